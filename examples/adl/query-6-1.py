# hist: 100,15,40
# axis: trijet pT [GeV]
# ADL query-6-1: in events with at least three jets, pT of the trijet four-momentum whose
# invariant mass is closest to 172.5 GeV.
EventDataset() \
    .Where(lambda e: e.Jet.Count() >= 3) \
    .Select(lambda e: e.Jet.Choose(3)
            .OrderBy(lambda t: abs((t[0].ToFourMomentum() + t[1].ToFourMomentum()
                                    + t[2].ToFourMomentum()).mass - 172.5))
            .First()) \
    .Select(lambda t: (t[0].ToFourMomentum() + t[1].ToFourMomentum() + t[2].ToFourMomentum()).pt)
