# hist: 100,0,2000
# axis: MET [GeV]
# ADL query-1: missing transverse energy (MET) of all events.
EventDataset().Select(lambda e: e.MET_pt)
