/**
 * What the package says when trustctl.yaml is silent: complementary user entity controls a
 * multi-tenant SaaS usually relies on, and the controls usually assumed of a provider by its service
 * model. Our own wording; management reviews and edits them in trustctl.yaml (`package:`).
 */

export interface AssumedControl {
  control: string
  criteria: string[]
}

export const defaultUserEntityControls: AssumedControl[] = [
  {
    control: 'Customers grant and remove their own users’ access to the service, and review it periodically.',
    criteria: ['CC6.1', 'CC6.2', 'CC6.3'],
  },
  {
    control:
      'Customers keep the credentials and API keys issued to them confidential and rotate them when exposed.',
    criteria: ['CC6.1'],
  },
  {
    control:
      'Customers decide what data they send to the service and do not send data categories the contract excludes.',
    criteria: ['CC6.7', 'C1.1'],
  },
  {
    control:
      'Customers tell the organization promptly of suspected security incidents or unauthorized use of their accounts.',
    criteria: ['CC7.3', 'CC7.4'],
  },
  {
    control:
      'Customers configure the security settings the service offers them (single sign-on, MFA, IP allow lists) to suit their own risk.',
    criteria: ['CC6.1', 'CC6.6'],
  },
]

/** Controls assumed of a provider, by the part of the stack it runs. */
export const assumedProviderControls: Record<'iaas' | 'paas' | 'saas', AssumedControl[]> = {
  iaas: [
    {
      control: 'Physical access to the data centers is restricted to authorized people and reviewed.',
      criteria: ['CC6.4'],
    },
    {
      control: 'Storage media are wiped or destroyed before they leave the provider’s custody.',
      criteria: ['CC6.5'],
    },
    {
      control: 'Data centers are protected by environmental safeguards: power, cooling, fire suppression.',
      criteria: ['A1.2'],
    },
    {
      control:
        'Changes to the underlying hardware, network and virtualization layers are authorized and tested.',
      criteria: ['CC8.1'],
    },
  ],
  paas: [
    {
      control: 'Physical and environmental protection of the platform’s facilities.',
      criteria: ['CC6.4', 'A1.2'],
    },
    {
      control: 'The managed platform is patched and its vulnerabilities are remediated by the provider.',
      criteria: ['CC7.1'],
    },
    {
      control: 'The provider’s staff access to the platform is authorized, logged and reviewed.',
      criteria: ['CC6.1', 'CC6.3'],
    },
  ],
  saas: [
    {
      control: 'The provider’s staff access to customer data is restricted, logged and reviewed.',
      criteria: ['CC6.1', 'CC6.3'],
    },
    {
      control: 'Changes to the provider’s service are authorized, tested and approved before release.',
      criteria: ['CC8.1'],
    },
    {
      control:
        'The provider monitors its service for security events and notifies customers of incidents affecting them.',
      criteria: ['CC7.2', 'CC7.3'],
    },
    {
      control: 'The provider keeps its service available and recoverable as committed in its terms.',
      criteria: ['A1.2'],
    },
  ],
}

/**
 * Sample sizes auditors commonly use for a manual control over a one-year period, by how often it
 * runs. No standard mandates them; the auditor sets the final size from risk and tolerable deviation.
 */
export const typicalSampleSize: Record<string, { perYear: string; sample: string }> = {
  annual: { perYear: '1', sample: '1' },
  'semi-annual': { perYear: '2', sample: '1 to 2' },
  quarterly: { perYear: '4', sample: '2' },
  monthly: { perYear: '12', sample: '2 to 5' },
  weekly: { perYear: '52', sample: '5 to 15' },
  daily: { perYear: 'about 250', sample: '20 to 40' },
  'per-event': { perYear: 'more than 250', sample: '25 to 60' },
  continuous: { perYear: 'continuous', sample: 'one test of the configuration, re-tested after each change' },
}

/**
 * The review cycle of a manual evidence item (`P3M`) as a frequency word: the nearest word at least as
 * frequent as the cycle, so a sample sized for it is never smaller than the cycle needs. Six-monthly
 * has its own word: "quarterly" would tell the auditor it runs twice as often as it does.
 */
export function frequencyOfCycle(every: string): string {
  if (/^P\d+Y$/.test(every)) return 'annual'
  const months = /^P(\d+)M$/.exec(every)
  if (months !== null) {
    const count = Number(months[1])
    return count >= 12 ? 'annual' : count >= 6 ? 'semi-annual' : count >= 3 ? 'quarterly' : 'monthly'
  }
  if (/^P\d+W$/.test(every)) return 'weekly'
  if (/^P\d+D$/.test(every)) return 'daily'
  return 'annual'
}

/** How many occurrences a control of this frequency is commonly sampled, in words ("2 to 5 times"). */
export function commonSampleOf(frequency: string): string {
  const sample = typicalSampleSize[frequency]?.sample ?? '25 to 60'
  return `${sample} ${sample === '1' ? 'time' : 'times'}`
}
