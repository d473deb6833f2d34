/**
 * What the AWS collectors read, before it becomes evidence: API responses as the CLI prints them and
 * the SDK returns them, each with the file (or API call) it came from. The offline collector fills a
 * snapshot from files, the live one from SDK calls; `snapshotToEvidence` maps both the same way.
 */
import type { z } from 'zod'
import type * as api from './schemas.js'

/** A response and where it was read. `data: null` = AWS said the configuration does not exist. */
export interface Sourced<T> {
  file: string
  data: T
}

type Out<S extends z.ZodType> = z.output<S>

/** The regional services' responses for one region (region undefined when the export does not say). */
export interface RegionSnapshot {
  region: string | undefined
  trails?: Sourced<Out<typeof api.describeTrails>>
  /** By trail name or ARN. */
  trailStatus: Map<string, Sourced<Out<typeof api.getTrailStatus>>>
  detectorIds?: Sourced<Out<typeof api.listDetectors>>
  detectors: Map<string, Sourced<Out<typeof api.getDetector>>>
  dbInstances?: Sourced<Out<typeof api.describeDbInstances>>
  securityGroups?: Sourced<Out<typeof api.describeSecurityGroups>>
  vpcs?: Sourced<Out<typeof api.describeVpcs>>
  flowLogs?: Sourced<Out<typeof api.describeFlowLogs>>
  keys?: Sourced<Out<typeof api.listKeys>>
  keyMetadata: Map<string, Sourced<Out<typeof api.describeKey>>>
  keyRotation: Map<string, Sourced<Out<typeof api.getKeyRotationStatus>>>
  aliases?: Sourced<Out<typeof api.listAliases>>
  clusters: Sourced<Out<typeof api.describeCluster>>[]
  loadBalancers?: Sourced<Out<typeof api.describeLoadBalancers>>
  listeners: Sourced<Out<typeof api.describeListeners>>[]
}

/** One account's responses: global services (IAM, S3) and each region read. */
export interface AccountSnapshot {
  account?: string
  origin: 'live' | 'cli-json'
  /** When the state was read (ISO 8601). */
  observedAt: string
  credentialReport?: Sourced<{ csv: string; generatedAt?: string }>
  accountSummary?: Sourced<Out<typeof api.getAccountSummary>>
  passwordPolicy?: Sourced<Out<typeof api.getAccountPasswordPolicy> | null>
  accountPublicAccessBlock?: Sourced<Out<typeof api.getPublicAccessBlock> | null>
  authorizationDetails?: Sourced<Out<typeof api.getAccountAuthorizationDetails>>
  buckets?: Sourced<Out<typeof api.listBuckets>>
  bucketEncryption: Map<string, Sourced<Out<typeof api.getBucketEncryption> | null>>
  bucketPublicAccessBlock: Map<string, Sourced<Out<typeof api.getPublicAccessBlock> | null>>
  bucketVersioning: Map<string, Sourced<Out<typeof api.getBucketVersioning>>>
  bucketPolicyStatus: Map<string, Sourced<Out<typeof api.getBucketPolicyStatus> | null>>
  bucketLogging: Map<string, Sourced<Out<typeof api.getBucketLogging>>>
  bucketAcl: Map<string, Sourced<Out<typeof api.getBucketAcl>>>
  regions: RegionSnapshot[]
}

export function emptyRegion(region: string | undefined): RegionSnapshot {
  return {
    region,
    trailStatus: new Map(),
    detectors: new Map(),
    keyMetadata: new Map(),
    keyRotation: new Map(),
    clusters: [],
    listeners: [],
  }
}

export function emptySnapshot(origin: AccountSnapshot['origin'], observedAt: string): AccountSnapshot {
  return {
    origin,
    observedAt,
    bucketEncryption: new Map(),
    bucketPublicAccessBlock: new Map(),
    bucketVersioning: new Map(),
    bucketPolicyStatus: new Map(),
    bucketLogging: new Map(),
    bucketAcl: new Map(),
    regions: [],
  }
}
