import { Readable } from 'node:stream'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { describe, expect, it } from 'vitest'
import { clientConfig } from './collect-live.js'

const identity = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:sts::111122223333:assumed-role/trustctl-readonly/trustctl</Arn>
    <UserId>AROAEXAMPLEID:trustctl</UserId>
    <Account>111122223333</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`

const throttled = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>
  <RequestId>5e1b2c3d-0000-4000-8000-000000000000</RequestId>
</ErrorResponse>`

/** An HTTP handler that answers the real SDK request pipeline without a network: throttles, then answers. */
function handlerThrottlingTimes(times: number) {
  let calls = 0
  return {
    calls: () => calls,
    handler: {
      handle: async () => {
        calls++
        const body = calls <= times ? throttled : identity
        return {
          response: {
            statusCode: calls <= times ? 400 : 200,
            headers: { 'content-type': 'text/xml' },
            body: Readable.from([Buffer.from(body)]),
          },
        }
      },
    },
  }
}

describe('clientConfig', () => {
  it('retries throttled calls through the SDK pipeline instead of failing the read', async () => {
    const fake = handlerThrottlingTimes(3)
    const sts = new STSClient({
      ...clientConfig('eu-west-1', { type: 'aws', regions: ['eu-west-1'] }),
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      requestHandler: fake.handler as never,
    })
    const answer = await sts.send(new GetCallerIdentityCommand({}))
    expect(answer.Account).toBe('111122223333')
    expect(fake.calls()).toBe(4)
  }, 30_000)

  it('passes a named profile to every client', () => {
    expect(
      clientConfig('us-east-1', { type: 'aws', regions: ['us-east-1'], profile: 'audit' }),
    ).toMatchObject({
      region: 'us-east-1',
      profile: 'audit',
      retryMode: 'adaptive',
    })
  })
})
