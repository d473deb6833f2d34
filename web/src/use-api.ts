import { useCallback, useEffect, useState } from 'react'
import { request } from './api'

export interface ApiState<T> {
  data: T | undefined
  error: unknown
  loading: boolean
  reload: () => void
}

/** Loads a GET endpoint, again whenever the path changes or `reload` is called. */
export function useApi<T>(path: string | undefined): ApiState<T> {
  const [data, setData] = useState<T | undefined>(undefined)
  const [error, setError] = useState<unknown>(undefined)
  const [loading, setLoading] = useState(path !== undefined)
  const [generation, setGeneration] = useState(0)

  useEffect(() => {
    if (path === undefined) return
    let current = true
    setLoading(true)
    setError(undefined)
    // `generation` is read so that reload() refetches the same path.
    void generation
    request<T>(path).then(
      (value) => {
        if (!current) return
        setData(value)
        setLoading(false)
      },
      (failure: unknown) => {
        if (!current) return
        setError(failure)
        setLoading(false)
      },
    )
    return () => {
      current = false
    }
  }, [path, generation])

  const reload = useCallback(() => setGeneration((n) => n + 1), [])
  return { data, error, loading, reload }
}
