# hist: 100,15,250
# axis: transverse mass of MET and the third lepton [GeV]
# ADL query-8: in events with at least three leptons and a same-flavour opposite-charge pair,
# the transverse mass of MET and the highest-pT lepton outside the pair whose invariant mass is
# closest to 91.2 GeV. Electrons and muons become one lepton list of dicts with a 'flavour'
# field (11 for electrons, 13 for muons) joined with Concat; a lepton is outside the pair when
# it differs from both pair members, compared field by field.
EventDataset() \
    .Select(lambda e: {
        'met_pt': e.MET_pt,
        'met_phi': e.MET_phi,
        'leptons': e.Electron
            .Select(lambda l: {'pt': l.pt, 'eta': l.eta, 'phi': l.phi, 'mass': l.mass,
                               'charge': l.charge, 'flavour': 11})
            .Concat(e.Muon
                    .Select(lambda l: {'pt': l.pt, 'eta': l.eta, 'phi': l.phi, 'mass': l.mass,
                                       'charge': l.charge, 'flavour': 13}))}) \
    .Where(lambda d: d.leptons.Count() >= 3) \
    .Select(lambda d: {
        'met_pt': d.met_pt,
        'met_phi': d.met_phi,
        'leptons': d.leptons,
        'pairs': d.leptons.Choose(2)
            .Where(lambda p: p[0].flavour == p[1].flavour and p[0].charge != p[1].charge)}) \
    .Where(lambda d: d.pairs.Count() > 0) \
    .Select(lambda d: {
        'met_pt': d.met_pt,
        'met_phi': d.met_phi,
        'leptons': d.leptons,
        'best': d.pairs
            .OrderBy(lambda p: abs((p[0].ToFourMomentum() + p[1].ToFourMomentum()).mass - 91.2))
            .First()}) \
    .Select(lambda d: {
        'met_pt': d.met_pt,
        'met_phi': d.met_phi,
        'other': d.leptons
            .Where(lambda l: l != d.best[0] and l != d.best[1])
            .OrderByDescending(lambda l: l.pt)
            .First()}) \
    .Select(lambda d: math.sqrt(2 * d.met_pt * d.other.pt * (1 - math.cos(d.met_phi - d.other.phi))))
