import { defineSourceCollector, type SourceCollector } from '../source-collector.js'
import { accessReviewOptions, collectAccessReviews } from './access-reviews.js'
import { collectHrRoster, hrRosterOptions } from './hr-roster.js'
import {
  collectEntra,
  collectGoogleWorkspace,
  collectOkta,
  collectServiceAccounts,
  entraOptions,
  googleWorkspaceOptions,
  oktaOptions,
  serviceAccountOptions,
} from './identity.js'
import { collectOktaApi, oktaApiOptions } from './okta-live.js'
import {
  backgroundCheckOptions,
  collectBackgroundChecks,
  collectPolicyAcceptance,
  collectTraining,
  policyAcceptanceOptions,
  trainingOptions,
} from './records.js'

/** The people and identity source types; the registry lists them for trustctl.yaml. */
export const collectors: readonly SourceCollector[] = [
  defineSourceCollector({
    type: 'hr-roster',
    summary:
      'an HR roster CSV export (BambooHR, Gusto, Rippling, Deel, Personio, HiBob, or mapped columns): mapped columns only',
    options: hrRosterOptions,
    collect: collectHrRoster,
  }),
  defineSourceCollector({
    type: 'okta',
    summary:
      'an Okta export folder: users, factors, groups, admin roles, app links and deactivation events (JSON)',
    options: oktaOptions,
    collect: collectOkta,
  }),
  defineSourceCollector({
    type: 'okta-api',
    summary:
      'Okta live, read-only (API token from OKTA_API_TOKEN): users, factors, groups, admin roles, apps, deactivation events',
    options: oktaApiOptions,
    collect: (options, context) => collectOktaApi(options, context),
  }),
  defineSourceCollector({
    type: 'google-workspace',
    summary:
      'a Google Workspace Directory API users export (2-Step Verification, suspension, admin, last login)',
    options: googleWorkspaceOptions,
    collect: collectGoogleWorkspace,
  }),
  defineSourceCollector({
    type: 'entra',
    summary: 'a Microsoft Entra ID export: Graph users, MFA registration details and disable events (JSON)',
    options: entraOptions,
    collect: collectEntra,
  }),
  defineSourceCollector({
    type: 'service-accounts',
    summary: 'non-human accounts declared in trustctl.yaml, each with an owner: never counted as people',
    options: serviceAccountOptions,
    collect: collectServiceAccounts,
  }),
  defineSourceCollector({
    type: 'training',
    summary: 'security training completions from a CSV export (KnowBe4 or mapped columns)',
    options: trainingOptions,
    collect: collectTraining,
  }),
  defineSourceCollector({
    type: 'background-checks',
    summary:
      'background-check statuses from a CSV export (Checkr or mapped columns); findings are never read',
    options: backgroundCheckOptions,
    collect: collectBackgroundChecks,
  }),
  defineSourceCollector({
    type: 'policy-acceptance',
    summary: 'policy acknowledgements (person, policy, version, date) from a CSV export',
    options: policyAcceptanceOptions,
    collect: collectPolicyAcceptance,
  }),
  defineSourceCollector({
    type: 'access-reviews',
    summary:
      'access-review campaigns from a JSON export (reviews run elsewhere, or access-review list --format json)',
    options: accessReviewOptions,
    collect: collectAccessReviews,
  }),
]
