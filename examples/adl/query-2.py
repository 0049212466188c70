# hist: 100,15,60
# axis: jet pT [GeV]
# ADL query-2: transverse momentum (pT) of all jets.
EventDataset().SelectMany(lambda e: e.Jet).Select(lambda j: j.pt)
