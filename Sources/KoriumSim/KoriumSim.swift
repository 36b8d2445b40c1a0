/// KoriumSim: a deterministic discrete-event network simulator (virtual clock, seeded RNG
/// streams, latency/loss/reorder/churn models) that drives the sans-IO protocol cores unchanged.
