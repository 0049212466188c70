# hist: 100,15,60
# axis: jet pT, |eta| < 1 [GeV]
# ADL query-3: pT of the jets with abs(eta) < 1.
EventDataset().SelectMany(lambda e: e.Jet).Where(lambda j: abs(j.eta) < 1).Select(lambda j: j.pt)
