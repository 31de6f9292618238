// Shapes of the peer-hubs API (src/federation/peers.schemas.ts), as the web app reads them.
export type PeerDirection = 'pull' | 'push' | 'both';
export type PeerAuthKind = 'bearer' | 'basic' | 'none';
export type HealthStatus = 'healthy' | 'failing' | 'unhealthy' | 'unknown' | 'disabled';

export interface PeerHealth {
  status: HealthStatus;
  consecutiveFailures: number;
  lastSuccessAt: string | null;
  lastPullAt: string | null;
  lastPushAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  nextAttemptAt: string | null;
  nextPullAt: string | null;
  running: boolean;
}

export interface Peer {
  id: string;
  name: string;
  url: string;
  apiRoot: string | null;
  direction: PeerDirection;
  authKind: PeerAuthKind;
  username: string | null;
  secretHint: string | null;
  pullCollections: string[];
  localCollection: 'public' | 'members';
  pushCollection: string | null;
  intervalSeconds: number;
  sameCommunity: boolean;
  enabled: boolean;
  inboundTokenId: string | null;
  egress: string[];
  pullCursors: Array<{ collectionId: string; addedAfter: string | null; inProgress: boolean; objectsReceived: number; updatedAt: string }>;
  pushedUpTo: string | null;
  objectsPushed: number;
  health: PeerHealth;
  createdAt: string;
  updatedAt: string;
}

export interface PeerTestResult {
  ok: boolean;
  error: string | null;
  apiRoot: string | null;
  title: string | null;
  maxContentLength: number | null;
  collections: Array<{ id: string; title: string; canRead: boolean; canWrite: boolean }>;
  checks: Array<{ collectionId: string; purpose: 'pull' | 'push'; found: boolean; allowed: boolean }>;
}

export interface PeerRunResult {
  ok: boolean;
  error: string | null;
  pulls: Array<{ collectionId: string; pages: number; received: number; added: number; alreadyHad: number; refused: number; complete: boolean }>;
  push: { scanned: number; sent: number; withheld: number; refused: number; posts: number; complete: boolean } | null;
  durationMs: number;
  peer: Peer;
}

export const directionOptions = [
  { value: 'both', label: 'Pull and push' },
  { value: 'pull', label: 'Pull only (fetch from the peer)' },
  { value: 'push', label: 'Push only (send to the peer)' },
];

export const authOptions = [
  { value: 'bearer', label: 'API token (Bearer)' },
  { value: 'basic', label: 'User name and password (HTTP Basic)' },
  { value: 'none', label: 'None' },
];

export const localCollectionOptions = [
  { value: 'public', label: 'Public (TLP:CLEAR only)' },
  { value: 'members', label: 'All members (TLP:CLEAR and GREEN)' },
];
