import type { MutantModule } from './support';
import * as containerKeepsDoubtAfterRefusal from './container-keeps-doubt-after-refusal';
import * as containerMatchesDoubtByTicket from './container-matches-doubt-by-ticket';
import * as containerNoInDoubtGuard from './container-no-in-doubt-guard';
import * as containerRemovesBeforeWrite from './container-removes-before-write';
import * as containerRemovesWrongKey from './container-removes-wrong-key';
import * as containerSkipsWriteOnRetry from './container-skips-write-on-retry';
import * as containerWritesOtherRegion from './container-writes-other-region';
import * as destinationCountsDuplicate from './destination-counts-duplicate';
import * as destinationDedupsByValue from './destination-dedups-by-value';
import * as dnsAllToRegion1 from './dns-all-to-region-1';
import * as dnsRoutesToOfflineRegion from './dns-routes-to-offline-region';
import * as queueHidesInFlight from './queue-hides-in-flight';
import * as queueIgnoresReceiveOnRecovery from './queue-ignores-receive-on-recovery';
import * as queueLifo from './queue-lifo';
import * as queueRemovesHead from './queue-removes-head';
import * as queueTakesStaleReceive from './queue-takes-stale-receive';
import * as replicatorBlocksOnStaleFailure from './replicator-blocks-on-stale-failure';
import * as replicatorDropsWhileFailed from './replicator-drops-while-failed';
import * as replicatorDropsWhilePeerFailed from './replicator-drops-while-peer-failed';
import * as replicatorIdleAfterRecovery from './replicator-idle-after-recovery';
import * as sourceRepublishes from './source-republishes';
import * as tableAnswersSuccessWhileFailed from './table-answers-success-while-failed';
import * as tableRecoveryForgetsReplication from './table-recovery-forgets-replication';
// the active-passive design's
import * as replicatorDefersSwitchWhileFailed from './replicator-defers-switch-while-failed';
import * as oneWayReplicatorDropsWhileFailed from './one-way-replicator-drops-while-failed';
import * as oneWayReplicatorNewestFirst from './one-way-replicator-newest-first';
import * as databaseSwitchKeepsRoles from './database-switch-keeps-roles';
import * as databaseReplaysOnPromotion from './database-replays-on-promotion';
import * as failoverDnsIgnoresSwitchForSends from './failover-dns-ignores-switch-for-sends';
import * as failoverDnsOutStaysOnOldRegion from './failover-dns-out-stays-on-old-region';

/** Every planted bug; each module's file name is its mutant name (the runner loads dist/mutants/<name>.js on worker threads). */
export const mutants: MutantModule[] = [
  containerKeepsDoubtAfterRefusal,
  containerMatchesDoubtByTicket,
  containerNoInDoubtGuard,
  containerRemovesBeforeWrite,
  containerRemovesWrongKey,
  containerSkipsWriteOnRetry,
  containerWritesOtherRegion,
  destinationCountsDuplicate,
  destinationDedupsByValue,
  dnsAllToRegion1,
  dnsRoutesToOfflineRegion,
  queueHidesInFlight,
  queueIgnoresReceiveOnRecovery,
  queueLifo,
  queueRemovesHead,
  queueTakesStaleReceive,
  replicatorBlocksOnStaleFailure,
  replicatorDropsWhileFailed,
  replicatorDropsWhilePeerFailed,
  replicatorIdleAfterRecovery,
  sourceRepublishes,
  tableAnswersSuccessWhileFailed,
  tableRecoveryForgetsReplication,
  replicatorDefersSwitchWhileFailed,
  oneWayReplicatorDropsWhileFailed,
  oneWayReplicatorNewestFirst,
  databaseSwitchKeepsRoles,
  databaseReplaysOnPromotion,
  failoverDnsIgnoresSwitchForSends,
  failoverDnsOutStaysOnOldRegion,
];
