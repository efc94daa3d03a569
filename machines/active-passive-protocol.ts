import type { AnyActorRef } from 'xstate';
import type { Region, TpsRecord } from './protocol';

/**
 * Messages of the active-passive components. Inserts and their answers are
 * the tables' (`table.insert`, `table.insertCompleted`), so the container
 * works with either design unchanged; these are what only this design has.
 */

// ---- regional database ---------------------------------------------------
/** Makes a regional database the active (acknowledging) or the passive one. */
export type DatabaseSetRole = { type: 'database.setRole'; active: boolean };

// ---- global database -----------------------------------------------------
/** Promote the passive region: the other region becomes the active one. */
export type DatabaseSwitch = { type: 'database.switch'; replyTo?: AnyActorRef };
export type DatabaseSwitchCompleted = {
  type: 'database.switchCompleted';
  database: string;
  success: boolean;
  /** the active region after the switch */
  activeRegion: Region;
  /** copies written to the old active region and not yet applied to the new one: lost by the switch */
  lost: readonly number[];
};

// ---- one-way replicator --------------------------------------------------
/** Copy from the new active region from now on (sent by the global database on a switch). */
export type ReplicatorSwitch = { type: 'replicator.switch'; to: Region; replyTo?: AnyActorRef; database: string };

// ---- failover DNS --------------------------------------------------------
/** Route to the other region from now on. */
export type DnsSwitch = { type: 'dns.switch' };

/** A record, as plain data, lost by a region switch. */
export type LostCopy = { record: TpsRecord; from: Region; to: Region };
