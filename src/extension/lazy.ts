/**
 * Entry of the second extension bundle (dist/extension-lazy.js): everything heavy the
 * extension uses — pg, the Azure SDK — behind one door, so that activation never compiles
 * it. Import it only through ./lazyModules.
 */
export { openAzure, refusedClientAddress, lookupPublicAddress } from '../azure';
export { listUserDatabases } from '../pg/factsDatabases';
export { withClient } from '../pg/connection';
export { DirectProvider } from '../direct/provider';
export { findLeftovers, findSlots, removeLeftovers } from '../direct/online/leftovers';
export { RecordStore, targetKeyOf } from '../direct/store';
