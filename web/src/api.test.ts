import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, messageOf, request, setCsrfToken, setUnauthenticatedHandler, withQuery } from './api'

interface Sent {
  url: string
  init: RequestInit
}

function fakeFetch(status: number, body: unknown, type = 'application/json'): Sent[] {
  const sent: Sent[] = []
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    sent.push({ url, init })
    return new Response(status === 204 ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': type },
    })
  })
  return sent
}

function headersOf(sent: Sent | undefined): Record<string, string> {
  return (sent?.init.headers ?? {}) as Record<string, string>
}

afterEach(() => {
  vi.unstubAllGlobals()
  setCsrfToken(undefined)
  setUnauthenticatedHandler(() => {})
})

describe('request', () => {
  it('sends the CSRF token on unsafe methods only, with same-origin credentials', async () => {
    setCsrfToken('token-1')
    const sent = fakeFetch(200, { ok: true })
    await request('/api/gaps/g1', { method: 'PATCH', body: { status: 'resolved' } })
    await request('/api/overview')
    expect(headersOf(sent[0])['X-CSRF-Token']).toBe('token-1')
    expect(sent[0]?.init.credentials).toBe('same-origin')
    expect(sent[0]?.init.body).toBe('{"status":"resolved"}')
    expect(headersOf(sent[1])['X-CSRF-Token']).toBeUndefined()
  })

  it('turns a problem+json answer into an ApiError carrying its detail', async () => {
    fakeFetch(403, {
      title: 'Forbidden',
      status: 403,
      detail: 'auditors cannot change gaps',
      code: 'forbidden',
    })
    const failure = await request('/api/gaps/g1', { method: 'PATCH', body: {} }).catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(ApiError)
    expect((failure as ApiError).status).toBe(403)
    expect(messageOf(failure)).toBe('auditors cannot change gaps')
  })

  it('names the invalid fields of a validation problem', async () => {
    fakeFetch(400, {
      title: 'Bad Request',
      detail: 'invalid body',
      errors: [{ path: 'body.dueDate', message: 'not a date' }],
    })
    const failure = await request('/api/gaps/g1', { method: 'PATCH', body: {} }).catch((e: unknown) => e)
    expect(messageOf(failure)).toBe('invalid body — body.dueDate: not a date')
  })

  it('sends the person to the login page on 401, except where login itself answers it', async () => {
    const onUnauthenticated = vi.fn()
    setUnauthenticatedHandler(onUnauthenticated)
    fakeFetch(401, { detail: 'sign in first' })
    await expect(request('/api/me', { redirectOn401: false })).rejects.toThrow('sign in first')
    expect(onUnauthenticated).not.toHaveBeenCalled()
    await expect(request('/api/overview')).rejects.toThrow('sign in first')
    expect(onUnauthenticated).toHaveBeenCalledOnce()
  })

  it('answers undefined for 204 No Content', async () => {
    fakeFetch(204, null)
    expect(await request('/api/session', { method: 'DELETE' })).toBeUndefined()
  })

  it('falls back to the status when the error body is not JSON', async () => {
    fakeFetch(502, 'Bad gateway', 'text/html')
    const failure = await request('/api/overview').catch((e: unknown) => e)
    expect(messageOf(failure)).toMatch(/502|Bad Gateway/i)
  })
})

describe('withQuery', () => {
  it('leaves out empty values and encodes the rest', () => {
    expect(
      withQuery('/api/findings', { status: 'fail,no-evidence', check: '', after: undefined, limit: 50 }),
    ).toBe('/api/findings?status=fail%2Cno-evidence&limit=50')
    expect(withQuery('/api/overview', { run: undefined })).toBe('/api/overview')
  })
})
