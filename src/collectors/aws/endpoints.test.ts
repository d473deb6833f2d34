import { describe, expect, it } from 'vitest'
import {
  customEndpoint,
  describeAwsError,
  endpointSettings,
  environmentCredentials,
  hostTakesNoPrefix,
} from './endpoints.js'

describe('endpoints from the run environment', () => {
  it('prefers the service variable, then the general one, and honours the opt-out', () => {
    const env = {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
      AWS_ENDPOINT_URL_S3_CONTROL: 'https://vpce-0abc.s3-control.eu-west-1.vpce.amazonaws.com',
    }
    expect(customEndpoint(env, 'S3_CONTROL')).toBe(
      'https://vpce-0abc.s3-control.eu-west-1.vpce.amazonaws.com',
    )
    expect(customEndpoint(env, 'IAM')).toBe('http://127.0.0.1:5000')
    expect(customEndpoint({ ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, 'IAM')).toBeUndefined()
    expect(customEndpoint({}, 'IAM')).toBeUndefined()
  })

  it('names the variable that holds no URL', () => {
    expect(() => customEndpoint({ AWS_ENDPOINT_URL_RDS: 'moto:5000' }, 'RDS')).toThrow(
      /^AWS_ENDPOINT_URL_RDS: 'moto:5000' is not an http or https URL$/,
    )
    expect(() => customEndpoint({ AWS_ENDPOINT_URL: 'not a url' }, 'RDS')).toThrow(/^AWS_ENDPOINT_URL: /)
  })

  it('turns on FIPS and dual-stack endpoints from the SDK variables', () => {
    expect(
      endpointSettings({ AWS_USE_FIPS_ENDPOINT: 'true', AWS_USE_DUALSTACK_ENDPOINT: 'TRUE' }, 'KMS'),
    ).toEqual({
      useFipsEndpoint: true,
      useDualstackEndpoint: true,
    })
    expect(endpointSettings({ AWS_USE_FIPS_ENDPOINT: 'false' }, 'KMS')).toEqual({})
  })

  it('knows which hosts cannot take the S3 Control account-id prefix', () => {
    expect(hostTakesNoPrefix('http://127.0.0.1:5000')).toBe(true)
    expect(hostTakesNoPrefix('http://localhost:4566')).toBe(true)
    expect(hostTakesNoPrefix('http://[::1]:5000')).toBe(true)
    expect(hostTakesNoPrefix('https://vpce-0abc.s3-control.eu-west-1.vpce.amazonaws.com')).toBe(false)
  })

  it('uses a key pair from the environment only when both halves are there', () => {
    expect(environmentCredentials({ AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE' })).toBeUndefined()
    expect(
      environmentCredentials({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_SESSION_TOKEN: 'c' }),
    ).toEqual({ accessKeyId: 'a', secretAccessKey: 'b', sessionToken: 'c' })
  })
})

describe('describeAwsError', () => {
  it('keeps the name and the first line, never the stack', () => {
    const error = Object.assign(new Error('User is not authorized\n    at send (client.js:1:1)'), {
      name: 'AccessDenied',
    })
    expect(describeAwsError(error)).toBe('AccessDenied: User is not authorized')
    expect(describeAwsError(new TypeError('Invalid URL'))).toBe('TypeError: Invalid URL')
    expect(describeAwsError('plain')).toBe('plain')
  })
})
