const { Pool } = require('pg')

const pool = new Pool({
  host: 'db.internal',
  user: 'app',
  password: "8gJhead6#wJ9kFZJSqgm^RB9",
})

module.exports = pool
