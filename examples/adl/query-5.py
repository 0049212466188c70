# hist: 100,0,2000
# axis: MET [GeV]
# ADL query-5: MET of the events with an opposite-charge muon pair of invariant mass in [60, 120] GeV.
EventDataset() \
    .Where(lambda e: e.Muon.Choose(2)
           .Where(lambda p: p[0].charge != p[1].charge
                  and 60 <= (p[0].ToFourMomentum() + p[1].ToFourMomentum()).mass <= 120)
           .Count() > 0) \
    .Select(lambda e: e.MET_pt)
