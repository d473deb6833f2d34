import { defineCheck } from '../../../src/core/check.js'
import type { DockerVariable } from '../../../src/core/evidence.js'
import { nameLooksLikeSecret } from '../../../src/core/secrets.js'
import { findShippedImage } from '../shared/shipped-image.js'

/** Why a variable leaks a credential, or undefined when it does not. */
function leak(variable: DockerVariable, shippedStages: ReadonlySet<number>): string | undefined {
  const where = `${variable.instruction} ${variable.name} (line ${variable.line})`
  if (variable.valueLooksLikeSecret) {
    return `${where} holds a value that looks like a credential`
  }
  if (variable.instruction === 'ARG' && nameLooksLikeSecret(variable.name)) {
    // A build argument's value is recorded in the image history of every stage that uses it.
    return `${where} passes a credential as a build argument, which \`docker history\` shows`
  }
  if (variable.instruction === 'ENV' && nameLooksLikeSecret(variable.name) && variable.hasDefault) {
    return shippedStages.has(variable.stage)
      ? `${where} sets a credential-named variable that persists in the shipped image's config`
      : `${where} sets a credential-named variable in a build stage, kept in that stage's history and build cache`
  }
  return undefined
}

export default defineCheck({
  id: 'container/no-secrets-in-env-or-arg',
  title: 'Dockerfiles keep no credentials in ENV or ARG',
  description:
    'ENV values are stored in the image configuration and ARG values in its build history; anyone who can pull ' +
    'the image (a registry reader, a compromised node, a vendor) can read them with `docker inspect` or ' +
    '`docker history`. This is the container form of the long-standing control that passwords are not written ' +
    'into configuration files or scripts but kept in a managed secret store.',
  remediation:
    'Remove the credential from ENV and ARG. For secrets needed at build time (a private registry token), use ' +
    'BuildKit secret mounts: `RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci` ' +
    'with `docker build --secret id=npm_token,env=NPM_TOKEN`. For secrets needed at run time, inject them from ' +
    'the orchestrator (Kubernetes Secret, cloud secret manager) when the container starts. Rotate any credential ' +
    'that was already built into an image.',
  severity: 'high',
  reads: ['container.dockerfile'],
  evaluate({ evidence, result }) {
    return evidence['container.dockerfile'].map((dockerfile) => {
      const shippedStages = new Set(findShippedImage(dockerfile)?.chain.map((stage) => stage.index) ?? [])
      const leaks = dockerfile.variables
        .flatMap((variable) => {
          const reason = leak(variable, shippedStages)
          return reason === undefined ? [] : [{ variable, reason }]
        })
        .sort((a, b) => a.variable.line - b.variable.line)
      const first = leaks[0]
      if (first === undefined) {
        return result.pass(
          dockerfile,
          dockerfile.variables.length === 0
            ? 'no ENV or ARG instructions'
            : `none of ${dockerfile.variables.length} ENV/ARG variables holds or is named like a credential`,
        )
      }
      return result.fail(dockerfile, leaks.map((entry) => entry.reason).join('; '), {
        line: first.variable.line,
      })
    })
  },
})
