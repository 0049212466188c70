# hist: 100,0,1
# axis: largest b-tag discriminant in the trijet
# ADL query-6-2: in events with at least three jets, the largest b-tag discriminant among the
# three jets of the trijet whose invariant mass is closest to 172.5 GeV.
EventDataset() \
    .Where(lambda e: e.Jet.Count() >= 3) \
    .Select(lambda e: e.Jet.Choose(3)
            .OrderBy(lambda t: abs((t[0].ToFourMomentum() + t[1].ToFourMomentum()
                                    + t[2].ToFourMomentum()).mass - 172.5))
            .First()) \
    .Select(lambda t: max(t[0].btag, t[1].btag, t[2].btag))
