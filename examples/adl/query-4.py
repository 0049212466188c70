# hist: 100,0,2000
# axis: MET [GeV]
# ADL query-4: MET of the events with at least two jets with pT > 40 GeV.
EventDataset() \
    .Where(lambda e: e.Jet.Where(lambda j: j.pt > 40).Count() >= 2) \
    .Select(lambda e: e.MET_pt)
