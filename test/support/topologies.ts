/**
 * The topologies an end-to-end spec runs against: both unless ARGUS_E2E_TOPOLOGIES narrows them
 * (a knob of the test runner, never passed to the apps under test).
 */
export const TOPOLOGIES = (process.env.ARGUS_E2E_TOPOLOGIES ?? 'standalone,distributed').split(',') as ('standalone' | 'distributed')[];
