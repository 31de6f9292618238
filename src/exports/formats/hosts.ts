// A hosts file that sends each domain to 0.0.0.0 (Pi-hole, AdGuard Home, dnsmasq's addn-hosts,
// /etc/hosts on a kiosk). Hosts files have no wildcards: subdomains are not covered.
import { isListableDomain } from './edl.js';
import { asciiText, isCanonical } from './text.js';
import type { FormatWriter } from './types.js';

export const hosts: FormatWriter = {
  id: 'hosts',
  label: 'Hosts file (0.0.0.0 domain)',
  contentType: 'text/plain; charset=utf-8',
  fileExtension: 'txt',
  types: ['domain'],
  supports: (type) => type === 'domain',
  valuesOnly: true,
  header(ctx) {
    return [
      `# ${asciiText(ctx.hubName, 100)}: ${asciiText(ctx.exportName, 100)} (hosts file)`,
      `# Generated ${asciiText(ctx.generatedAt, 40)} from ${asciiText(ctx.hubUrl, 200)}`,
      '# Each domain below resolves to 0.0.0.0; subdomains are not included.',
      '',
    ].join('\n');
  },
  line(item) {
    if (item.type !== 'domain' || !isCanonical(item) || !isListableDomain(item.value)) return null;
    return `0.0.0.0 ${item.value}\n`;
  },
  footer: () => '',
};
