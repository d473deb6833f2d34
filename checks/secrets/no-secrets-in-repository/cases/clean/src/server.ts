import { createServer } from 'node:http'

// Credentials come from the environment, filled by the secret manager at deploy time.
const apiToken = process.env.PAYMENTS_API_TOKEN ?? ''
const password = process.env.DB_PASSWORD
const config = { token: '${PAYMENTS_API_TOKEN}', secret: '<set-in-vault>' }

createServer((_req, res) => {
  res.end(JSON.stringify({ ok: apiToken.length > 0 && password !== undefined, config: Object.keys(config) }))
}).listen(8080)
