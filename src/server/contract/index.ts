import { decideAccessReview, listAccessReviews } from './access-reviews.js'
import { createToken, createUser, listTokens, listUsers, revokeToken, updateUser } from './admin.js'
import {
  getControl,
  getMatrix,
  getMatrixSvg,
  getOverview,
  getTrend,
  listControls,
  listCriteria,
  listFindings,
  listRuns,
  listSamples,
} from './assessment.js'
import { createAttestation, downloadEvidence, getEvidence, listEvidence } from './evidence.js'
import { commentOnGap, getGap, listGaps, updateGap } from './gaps.js'
import { getJob, listJobs, startJob } from './jobs.js'
import { downloadPackageFile, downloadPackageZip, listPackages } from './packages.js'
import { acceptPolicy, listPolicyAcceptances } from './policies.js'
import { getSchedule, pushEvidence } from './push.js'
import { getLabels, health, login, logout, me, openapi } from './session.js'
import { listVendors, reviewVendor } from './vendors.js'

/**
 * The API contract: every endpoint of the team server by operation id. The server gives each one a
 * handler (src/server/routes/), the OpenAPI description is generated from it, and the dashboard
 * imports its types type-only (`import type … from '../../src/server/contract/…'`).
 */
export const endpoints = {
  health,
  openapi,
  getLabels,
  login,
  logout,
  me,
  listUsers,
  createUser,
  updateUser,
  listTokens,
  createToken,
  revokeToken,
  startJob,
  listJobs,
  getJob,
  getOverview,
  getTrend,
  listCriteria,
  listControls,
  getControl,
  listFindings,
  listRuns,
  getMatrix,
  getMatrixSvg,
  listSamples,
  listGaps,
  getGap,
  updateGap,
  commentOnGap,
  listAccessReviews,
  decideAccessReview,
  listPolicyAcceptances,
  acceptPolicy,
  listEvidence,
  getEvidence,
  downloadEvidence,
  createAttestation,
  listVendors,
  reviewVendor,
  listPackages,
  downloadPackageFile,
  downloadPackageZip,
  pushEvidence,
  getSchedule,
}
export type OperationId = keyof typeof endpoints
