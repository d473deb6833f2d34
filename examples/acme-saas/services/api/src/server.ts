// Acme Insights query API: serves dashboard queries for authenticated customer workspaces.
import Fastify from 'fastify'
import pg from 'pg'

const pool = new pg.Pool({
  host: process.env.DATABASE_HOST,
  user: process.env.DATABASE_USER,
  password: process.env.DATABASE_PASSWORD, // injected from a Kubernetes Secret (SealedSecret)
  database: 'insights',
  ssl: { rejectUnauthorized: true },
  max: 10,
})

const app = Fastify({ logger: true })

app.get('/healthz', async () => ({ ok: true }))
app.get('/readyz', async () => {
  await pool.query('select 1')
  return { ok: true }
})

app.get<{ Params: { workspaceId: string }; Querystring: { event: string; days?: string } }>(
  '/v1/workspaces/:workspaceId/trends',
  async (req) => {
    const days = Math.min(Number(req.query.days ?? 30), 365)
    const { rows } = await pool.query(
      `select date_trunc('day', occurred_at) as day, count(*) as events
         from events
        where workspace_id = $1 and name = $2 and occurred_at > now() - make_interval(days => $3)
        group by 1 order by 1`,
      [req.params.workspaceId, req.query.event, days],
    )
    return { workspaceId: req.params.workspaceId, series: rows }
  },
)

await app.listen({ host: '0.0.0.0', port: Number(process.env.PORT ?? 8080) })
