# hist: 100,15,200
# axis: scalar sum of jet pT [GeV]
# ADL query-7: per event, the scalar sum of the pT of jets with pT > 30 GeV that are not within
# deltaR 0.4 of any electron or muon with pT > 10 GeV; events with no such jet are not filled.
EventDataset() \
    .Select(lambda e: e.Jet
            .Where(lambda j: j.pt > 30)
            .Where(lambda j: e.Electron
                   .Where(lambda l: l.pt > 10)
                   .All(lambda l: j.ToFourMomentum().deltaR(l.ToFourMomentum()) >= 0.4))
            .Where(lambda j: e.Muon
                   .Where(lambda l: l.pt > 10)
                   .All(lambda l: j.ToFourMomentum().deltaR(l.ToFourMomentum()) >= 0.4))
            .Select(lambda j: j.pt)) \
    .Where(lambda pts: pts.Count() > 0) \
    .Select(lambda pts: pts.Sum())
