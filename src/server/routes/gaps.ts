import type { Gap } from '../../core/assessment.js'
import { NotFoundError } from '../../core/errors.js'
import type { RemediationItem } from '../../core/team.js'
import type { ServerContext } from '../context.js'
import type { Remediation } from '../contract/gaps.js'
import * as gaps from '../contract/gaps.js'
import { chooseRun, commaList } from '../read-model.js'
import { type Actor, defineRoute, type RouteDefinition } from '../route.js'

export function remediationOf(gap: Gap, item: RemediationItem | undefined): Remediation {
  return {
    owner: item?.owner ?? gap.owner,
    dueDate: item?.dueDate ?? gap.dueDate,
    status: item?.status ?? 'open',
    ...(item === undefined ? {} : { updatedAt: item.updatedAt, updatedBy: item.updatedBy }),
  }
}

/** The gaps of the latest run the actor may see. */
async function currentGaps(context: ServerContext, actor: Actor): Promise<Gap[]> {
  return (await chooseRun(context, actor)).model.gaps
}

async function gapById(context: ServerContext, actor: Actor, id: string): Promise<Gap> {
  const gap = (await currentGaps(context, actor)).find((g) => g.id === id)
  if (gap === undefined) throw new NotFoundError(`no gap '${id}' in the latest assessment`)
  return gap
}

export const routes: RouteDefinition<ServerContext>[] = [
  defineRoute({
    ...gaps.listGaps,
    async handler({ query, actor }, context: ServerContext) {
      const gaps = await currentGaps(context, actor)
      const items = new Map((await context.team.remediationItems()).map((i) => [i.gapId, i]))
      const status = commaList(query.status)
      const severity = commaList(query.severity)
      const owner = query.owner?.trim().toLowerCase() || undefined
      const out = []
      for (const gap of gaps) {
        const remediation = remediationOf(gap, items.get(gap.id))
        if (status !== undefined && !status.includes(remediation.status)) continue
        if (severity !== undefined && !severity.includes(gap.severity)) continue
        if (owner !== undefined && !remediation.owner.toLowerCase().includes(owner)) continue
        out.push({ ...gap, remediation, comments: (await context.team.comments(gap.id)).length })
      }
      return { items: out }
    },
  }),
  defineRoute({
    ...gaps.getGap,
    async handler({ params, actor }, context: ServerContext) {
      const gap = await gapById(context, actor, params.id)
      return {
        gap,
        remediation: remediationOf(gap, await context.team.remediationItem(gap.id)),
        comments: await context.team.comments(gap.id),
      }
    },
  }),
  defineRoute({
    ...gaps.updateGap,
    async handler({ params, body, actor }, context: ServerContext) {
      const gap = await gapById(context, actor, params.id)
      const before = remediationOf(gap, await context.team.remediationItem(gap.id))
      const item: RemediationItem = {
        gapId: gap.id,
        owner: body.owner ?? before.owner,
        dueDate: body.dueDate ?? before.dueDate,
        status: body.status ?? before.status,
        updatedAt: context.now().toISOString(),
        updatedBy: actor.name,
      }
      await context.team.saveRemediationItem(item)
      const remediation = remediationOf(gap, item)
      await context.recordChange(actor, { action: 'gap.update', target: gap.id, before, after: remediation })
      return { gap, remediation }
    },
  }),
  defineRoute({
    ...gaps.commentOnGap,
    async handler({ params, body, actor, reply }, context: ServerContext) {
      const gap = await gapById(context, actor, params.id)
      const comment = await context.team.addComment({
        gapId: gap.id,
        author: actor.name,
        body: body.body,
        createdAt: context.now().toISOString(),
      })
      await context.recordChange(actor, {
        action: 'gap.comment',
        target: gap.id,
        after: { id: comment.id, body: comment.body },
      })
      reply.code(201)
      return comment
    },
  }),
]
