import type { RandomSampler } from './random-sampler.js';

const Z_MASS_GEV = 91.1876;
const Z_WIDTH_GEV = 2.4952;
const W_MASS_GEV = 80.379;
const W_WIDTH_GEV = 2.085;
const TOP_MASS_GEV = 172.5;
const TOP_WIDTH_GEV = 1.42;
const B_QUARK_MASS_GEV = 4.18;
const CHARGED_PION_MASS_GEV = 0.13957;

/** Muon mass in GeV, as stored (float32) in the CMS 2012 sample. */
export const MUON_MASS_GEV = 0.10565837;

const JET_MIN_PT_GEV = 15;
const JET_MAX_ABS_ETA = 4.7;
const MUON_MIN_PT_GEV = 3;
const MUON_MAX_ABS_ETA = 2.4;
const MAX_PT_GEV = 4_000;

/** Fractions of events per process. The remaining events are multijet events without a boson. */
const Z_MUMU_FRACTION = 0.12;
const W_MUNU_FRACTION = 0.45;
const TTBAR_FRACTION = 0.06;

/** Mean multiplicities of objects that do not come from a boson or top quark decay. */
const EXTRA_JET_MEAN = 2.95;
const SOFT_MUON_MEAN = 0.75;
const ELECTRON_MEAN = 0.2;
const TAU_MEAN = 1.5;
const PHOTON_MEAN = 0.45;

const TAU_DECAY_MODES = [0, 1, 10, -1];

/** Four-momentum in GeV. */
interface FourVector {
  px: number;
  py: number;
  pz: number;
  e: number;
}

/** A reconstructed object: pT and mass in GeV, `tagged` marks prompt leptons and b jets. */
export interface Candidate {
  pt: number;
  eta: number;
  phi: number;
  mass: number;
  charge: number;
  tagged: boolean;
}

/** A hadronic tau with its reconstructed decay mode. */
export interface TauCandidate extends Candidate {
  decayMode: number;
}

/** The objects of one event, each collection sorted by pT descending, and the true invisible pT. */
export interface EventContent {
  muons: Candidate[];
  electrons: Candidate[];
  taus: TauCandidate[];
  photons: Candidate[];
  jets: Candidate[];
  /** Sum of neutrino momenta in x and y, in GeV. */
  invisibleX: number;
  invisibleY: number;
}

function fromPtEtaPhiM(pt: number, eta: number, phi: number, mass: number): FourVector {
  const pz = pt * Math.sinh(eta);
  const e = Math.sqrt(pt * pt + pz * pz + mass * mass);
  return { px: pt * Math.cos(phi), py: pt * Math.sin(phi), pz, e };
}

/** Produces a resonance with an exponential pT spectrum and a Gaussian rapidity distribution. */
function produceResonance(rng: RandomSampler, mass: number, meanPtGeV: number): FourVector {
  const pt = rng.exponential(meanPtGeV);
  const rapidity = rng.gaussian(0, 1.4);
  const transverseMass = Math.sqrt(pt * pt + mass * mass);
  const phi = rng.phi();
  return {
    px: pt * Math.cos(phi),
    py: pt * Math.sin(phi),
    pz: transverseMass * Math.sinh(rapidity),
    e: transverseMass * Math.cosh(rapidity),
  };
}

/** Decays `parent` isotropically in its rest frame into masses m1 and m2, boosted to the lab. */
function decayTwoBody(
  rng: RandomSampler,
  parent: FourVector,
  m1: number,
  m2: number,
): [FourVector, FourVector] {
  const { px, py, pz, e } = parent;
  const mass = Math.sqrt(Math.max(e * e - px * px - py * py - pz * pz, 0));
  const sum = m1 + m2;
  const difference = m1 - m2;
  const momentumSquared = (mass * mass - sum * sum) * (mass * mass - difference * difference);
  const p = Math.sqrt(Math.max(momentumSquared, 0)) / (2 * mass);

  const cosTheta = rng.between(-1, 1);
  const sinTheta = Math.sqrt(1 - cosTheta * cosTheta);
  const phi = rng.phi();
  const first = {
    px: p * sinTheta * Math.cos(phi),
    py: p * sinTheta * Math.sin(phi),
    pz: p * cosTheta,
    e: Math.hypot(p, m1),
  };
  const second = { px: -first.px, py: -first.py, pz: -first.pz, e: Math.hypot(p, m2) };

  return [boost(first, px / e, py / e, pz / e), boost(second, px / e, py / e, pz / e)];
}

/** Lorentz-boosts `v` by the velocity (bx, by, bz), in units of c. */
function boost(v: FourVector, bx: number, by: number, bz: number): FourVector {
  const b2 = bx * bx + by * by + bz * bz;
  if (b2 === 0) return v;

  const gamma = 1 / Math.sqrt(1 - b2);
  const bp = bx * v.px + by * v.py + bz * v.pz;
  const scale = ((gamma - 1) * bp) / b2 + gamma * v.e;
  return {
    px: v.px + scale * bx,
    py: v.py + scale * by,
    pz: v.pz + scale * bz,
    e: gamma * (v.e + bp),
  };
}

function toCandidate(v: FourVector, mass: number, charge: number, tagged: boolean): Candidate {
  const pt = Math.hypot(v.px, v.py);
  return { pt, eta: Math.asinh(v.pz / pt), phi: Math.atan2(v.py, v.px), mass, charge, tagged };
}

/** Collects the objects of one event, applying the reconstruction thresholds. */
class EventBuilder {
  readonly content: EventContent = {
    muons: [],
    electrons: [],
    taus: [],
    photons: [],
    jets: [],
    invisibleX: 0,
    invisibleY: 0,
  };

  constructor(private readonly rng: RandomSampler) {}

  addMuon(v: FourVector, charge: number, prompt: boolean): void {
    const muon = toCandidate(v, MUON_MASS_GEV, charge, prompt);
    if (muon.pt >= MUON_MIN_PT_GEV && Math.abs(muon.eta) <= MUON_MAX_ABS_ETA) {
      this.content.muons.push(muon);
    }
  }

  /** Adds the jet of a quark, with a 10% pT resolution. */
  addQuarkJet(v: FourVector, bQuark: boolean): void {
    const quark = toCandidate(v, 0, 0, bQuark);
    this.addJet(quark.pt * this.rng.gaussian(1, 0.1), quark.eta, quark.phi, bQuark);
  }

  /** Adds a jet above the thresholds, with a mass of 5% to 25% of its pT. */
  addJet(pt: number, eta: number, phi: number, bJet: boolean): void {
    if (pt < JET_MIN_PT_GEV || Math.abs(eta) > JET_MAX_ABS_ETA) return;

    const mass = pt * this.rng.between(0.05, 0.25);
    this.content.jets.push({ pt, eta, phi, mass, charge: 0, tagged: bJet });
  }

  addNeutrino(v: FourVector): void {
    this.content.invisibleX += v.px;
    this.content.invisibleY += v.py;
  }
}

function addZToMuons(rng: RandomSampler, event: EventBuilder): void {
  const mass = rng.breitWigner(Z_MASS_GEV, Z_WIDTH_GEV, 50, 150);
  const z = produceResonance(rng, mass, 12);
  const [muMinus, muPlus] = decayTwoBody(rng, z, MUON_MASS_GEV, MUON_MASS_GEV);
  event.addMuon(muMinus, -1, true);
  event.addMuon(muPlus, 1, true);
}

function addWToMuon(rng: RandomSampler, event: EventBuilder): void {
  const mass = rng.breitWigner(W_MASS_GEV, W_WIDTH_GEV, 50, 150);
  const w = produceResonance(rng, mass, 8);
  const [muon, neutrino] = decayTwoBody(rng, w, MUON_MASS_GEV, 0);
  event.addMuon(muon, rng.chance(0.55) ? 1 : -1, true);
  event.addNeutrino(neutrino);
}

/** Adds semileptonic ttbar: t -> b W(-> q q'), t -> b W(-> mu nu), so four jets and a muon. */
function addTtbar(rng: RandomSampler, event: EventBuilder): void {
  for (const leptonic of [false, true]) {
    const topMass = rng.breitWigner(TOP_MASS_GEV, TOP_WIDTH_GEV, 150, 195);
    const wMass = rng.breitWigner(W_MASS_GEV, W_WIDTH_GEV, 60, 100);
    const top = produceResonance(rng, topMass, 90);
    const [b, w] = decayTwoBody(rng, top, B_QUARK_MASS_GEV, wMass);
    event.addQuarkJet(b, true);

    if (leptonic) {
      const [muon, neutrino] = decayTwoBody(rng, w, MUON_MASS_GEV, 0);
      event.addMuon(muon, rng.charge(), true);
      event.addNeutrino(neutrino);
    } else {
      for (const quark of decayTwoBody(rng, w, 0, 0)) event.addQuarkJet(quark, false);
    }
  }
}

/** Adds jets and soft muons with power-law pT spectra, and electrons, taus and photons. */
function addUnderlyingObjects(rng: RandomSampler, event: EventBuilder): void {
  for (let i = rng.poisson(EXTRA_JET_MEAN); i > 0; i--) {
    const pt = Math.min(rng.powerLaw(JET_MIN_PT_GEV, 1.6), MAX_PT_GEV);
    const eta = JET_MAX_ABS_ETA * (rng.uniform() + rng.uniform() - 1);
    event.addJet(pt, eta, rng.phi(), rng.chance(0.03));
  }

  for (let i = rng.poisson(SOFT_MUON_MEAN); i > 0; i--) {
    const pt = Math.min(rng.powerLaw(MUON_MIN_PT_GEV, 1.3), MAX_PT_GEV);
    const eta = rng.between(-MUON_MAX_ABS_ETA, MUON_MAX_ABS_ETA);
    event.addMuon(fromPtEtaPhiM(pt, eta, rng.phi(), MUON_MASS_GEV), rng.charge(), false);
  }

  const { electrons, taus, photons } = event.content;
  for (let i = rng.poisson(ELECTRON_MEAN); i > 0; i--) {
    const mass = rng.gaussian(0, 0.01);
    electrons.push(drawObject(rng, 5 + rng.exponential(12), 2.5, mass, rng.charge()));
  }
  for (let i = rng.poisson(TAU_MEAN); i > 0; i--) taus.push(drawTau(rng));
  for (let i = rng.poisson(PHOTON_MEAN); i > 0; i--) {
    photons.push(drawObject(rng, 10 + rng.exponential(9), 2.5, rng.gaussian(0, 1e-6), 0));
  }
}

/** Draws a hadronic tau with decay mode 0 (one pion), 1 (pion and neutrals), 10 (three pions) or -1. */
function drawTau(rng: RandomSampler): TauCandidate {
  const decayMode = TAU_DECAY_MODES[Math.floor(rng.uniform() * TAU_DECAY_MODES.length)];
  const mass =
    decayMode === 0 ? CHARGED_PION_MASS_GEV : rng.between(0.3, decayMode === 10 ? 1.6 : 1.2);
  const charge = decayMode === -1 ? 0 : rng.charge();
  const eta = 4.6 * (rng.uniform() + rng.uniform() - 1);
  return {
    pt: 15 + rng.exponential(14),
    eta,
    phi: rng.phi(),
    mass,
    charge,
    tagged: false,
    decayMode,
  };
}

/** Draws an object with uniform eta in [-maxAbsEta, maxAbsEta] and uniform phi. */
function drawObject(
  rng: RandomSampler,
  pt: number,
  maxAbsEta: number,
  mass: number,
  charge: number,
): Candidate {
  const eta = rng.between(-maxAbsEta, maxAbsEta);
  return { pt, eta, phi: rng.phi(), mass, charge, tagged: false };
}

const byPtDescending = (a: Candidate, b: Candidate): number => b.pt - a.pt;

/**
 * Generates the objects of one event: Z -> mu mu, W -> mu nu, semileptonic ttbar or multijet,
 * plus jets, soft muons, electrons, taus and photons from the rest of the collision.
 */
export function generateEventContent(rng: RandomSampler): EventContent {
  const event = new EventBuilder(rng);
  const process = rng.uniform();
  if (process < Z_MUMU_FRACTION) {
    addZToMuons(rng, event);
  } else if (process < Z_MUMU_FRACTION + W_MUNU_FRACTION) {
    addWToMuon(rng, event);
  } else if (process < Z_MUMU_FRACTION + W_MUNU_FRACTION + TTBAR_FRACTION) {
    addTtbar(rng, event);
  }
  addUnderlyingObjects(rng, event);

  const { content } = event;
  for (const objects of [content.muons, content.electrons, content.taus, content.photons]) {
    objects.sort(byPtDescending);
  }
  content.jets.sort(byPtDescending);
  return content;
}
