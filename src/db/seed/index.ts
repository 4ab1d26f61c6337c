/** Reference data and the deterministic demo-data generator. */
export { DEFAULT_CARRIER_SETTINGS, defaultCarrierSettings, CARRIER_ROWS, MVNO_BRANDS, STORES, seedReferenceData } from './reference-data.ts';
export {
  DEMO_SCENARIOS,
  DEMO_SCENARIO_CUSTOMERS,
  DEMO_STAFF,
  seedDemoData,
  seedDemoStaff,
  type DemoScenario,
  type DemoScenarioInfo,
  type DemoStaffAccount,
  type SeedDemoOptions,
  type SeedDemoResult,
} from './demo-data.ts';
