import React from 'react'
import { createRoot } from 'react-dom/client'
import { Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts'

const API = 'https://api.acme-insights.example.com'

function Trends({ workspaceId, event }) {
  const [series, setSeries] = React.useState([])
  React.useEffect(() => {
    fetch(`${API}/v1/workspaces/${workspaceId}/trends?event=${encodeURIComponent(event)}`, {
      credentials: 'include',
    })
      .then((r) => r.json())
      .then((body) => setSeries(body.series))
  }, [workspaceId, event])
  return (
    <LineChart width={720} height={280} data={series}>
      <XAxis dataKey="day" />
      <YAxis />
      <Tooltip />
      <Line type="monotone" dataKey="events" stroke="#4f46e5" />
    </LineChart>
  )
}

createRoot(document.getElementById('root')).render(<Trends workspaceId="demo" event="signup_completed" />)
