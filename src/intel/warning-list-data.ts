// The warning lists shipped with the hub. Bump a list's version when its entries change:
// the hub replaces the stored copy at start-up (an operator can also replace it from a file).
export interface ShippedList {
  id: string;
  name: string;
  description: string;
  version: string;
  entries: ReadonlyArray<readonly [type: 'cidr' | 'ipv4' | 'ipv6' | 'domain' | 'hostname', value: string]>;
}

const cidrs = (values: string[]) => values.map((v) => ['cidr', v] as const);
const hosts = (values: string[]) => values.map((v) => ['hostname', v] as const);

export const shippedLists: readonly ShippedList[] = [
  {
    id: 'special-ranges',
    name: 'Private and reserved address ranges',
    description: 'RFC 1918 and RFC 6890 special-purpose ranges: private, loopback, link-local, shared address space, documentation, multicast and reserved. Never routable on the internet; blocking them breaks internal networks.',
    version: '2026-12-06',
    entries: cidrs([
      '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24',
      '192.0.2.0/24', '192.88.99.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24',
      '224.0.0.0/4', '240.0.0.0/4', '::/128', '::1/128', '64:ff9b::/96', '100::/64', '2001:db8::/32', 'fc00::/7', 'fe80::/10', 'ff00::/8',
    ]),
  },
  {
    id: 'public-resolvers',
    name: 'Well-known public DNS resolvers',
    description: 'Google, Cloudflare, Quad9, OpenDNS, Level 3, AdGuard, CleanBrowsing and Control D resolvers. Malware queries them, so they show up in reports; blocking them breaks name resolution.',
    version: '2026-12-06',
    entries: [
      ...['8.8.8.8', '8.8.4.4', '1.1.1.1', '1.0.0.1', '1.1.1.2', '1.0.0.2', '1.1.1.3', '1.0.0.3', '9.9.9.9', '149.112.112.112', '9.9.9.10', '149.112.112.10',
        '9.9.9.11', '149.112.112.11', '208.67.222.222', '208.67.220.220', '208.67.222.123', '208.67.220.123', '4.2.2.1', '4.2.2.2', '4.2.2.3', '4.2.2.4',
        '4.2.2.5', '4.2.2.6', '94.140.14.14', '94.140.15.15', '185.228.168.9', '185.228.169.9', '76.76.2.0', '76.76.10.0', '64.6.64.6', '64.6.65.6'].map((v) => ['ipv4', v] as const),
      ...['2001:4860:4860::8888', '2001:4860:4860::8844', '2606:4700:4700::1111', '2606:4700:4700::1001', '2620:fe::fe', '2620:fe::9',
        '2620:119:35::35', '2620:119:53::53', '2a10:50c0::ad1:ff', '2a10:50c0::ad2:ff'].map((v) => ['ipv6', v] as const),
    ],
  },
  {
    id: 'cdn-ranges',
    name: 'CDN address ranges (Cloudflare)',
    description: "Cloudflare's published edge ranges. Thousands of unrelated sites share each address, so an address here is a poor blocking indicator (block the URL or domain instead).",
    version: '2026-12-06',
    entries: cidrs([
      '173.245.48.0/20', '103.21.244.0/22', '103.22.200.0/22', '103.31.4.0/22', '141.101.64.0/18', '108.162.192.0/18', '190.93.240.0/20',
      '188.114.96.0/20', '197.234.240.0/22', '198.41.128.0/17', '162.158.0.0/15', '104.16.0.0/13', '104.24.0.0/14', '172.64.0.0/13', '131.0.72.0/22',
      '2400:cb00::/32', '2606:4700::/32', '2803:f800::/32', '2405:b500::/32', '2405:8100::/32', '2a06:98c0::/29', '2c0f:f248::/32',
    ]),
  },
  {
    id: 'popular-domains',
    name: 'Most popular domains',
    description: 'Widely used sites and services (search, mail, cloud, social, software updates, government). The domain itself is never a blocking indicator; a URL or sub-domain on it still can be.',
    version: '2026-12-06',
    entries: hosts([
      'google.com', 'youtube.com', 'facebook.com', 'instagram.com', 'whatsapp.com', 'wikipedia.org', 'x.com', 'twitter.com', 'reddit.com', 'amazon.com',
      'yahoo.com', 'bing.com', 'live.com', 'microsoft.com', 'office.com', 'microsoftonline.com', 'outlook.com', 'office365.com', 'sharepoint.com', 'onedrive.com',
      'windows.net', 'windowsupdate.com', 'azure.com', 'msn.com', 'linkedin.com', 'github.com', 'githubusercontent.com', 'gitlab.com', 'apple.com', 'icloud.com',
      'netflix.com', 'zoom.us', 'slack.com', 'dropbox.com', 'box.com', 'adobe.com', 'salesforce.com', 'paypal.com', 'ebay.com', 'tiktok.com',
      'pinterest.com', 'tumblr.com', 'wordpress.com', 'wordpress.org', 'blogspot.com', 'medium.com', 'cloudflare.com', 'akamai.net', 'akamaihd.net', 'fastly.net',
      'cloudfront.net', 'amazonaws.com', 'googleapis.com', 'gstatic.com', 'googleusercontent.com', 'doubleclick.net', 'google-analytics.com', 'googletagmanager.com', 'gmail.com', 'googlemail.com',
      'yandex.ru', 'baidu.com', 'qq.com', 'mozilla.org', 'firefox.com', 'ubuntu.com', 'debian.org', 'python.org', 'npmjs.com', 'nodejs.org',
      'stackoverflow.com', 'duckduckgo.com', 'cnn.com', 'bbc.co.uk', 'bbc.com', 'nytimes.com', 'washingtonpost.com', 'weather.com', 'espn.com', 'imdb.com',
      'spotify.com', 'twitch.tv', 'discord.com', 'telegram.org', 'signal.org', 'skype.com', 'teams.microsoft.com', 'webex.com', 'docusign.com', 'docusign.net',
      'okta.com', 'duosecurity.com', 'servicenow.com', 'zendesk.com', 'atlassian.com', 'atlassian.net', 'bitbucket.org', 'oracle.com', 'ibm.com', 'cisco.com',
      'intuit.com', 'chase.com', 'bankofamerica.com', 'wellsfargo.com', 'usps.com', 'ups.com', 'fedex.com', 'dhl.com', 'irs.gov', 'usa.gov',
      'login.gov', 'cisa.gov', 'fbi.gov', 'ssa.gov', 'medicare.gov', 'nih.gov', 'cdc.gov', 'noaa.gov', 'nasa.gov', 'europa.eu',
      'gov.uk', 'canada.ca', 'apache.org', 'letsencrypt.org', 'digicert.com', 'sectigo.com', 'godaddy.com', 'verisign.com', 'akamai.com', 'w3.org',
    ]),
  },
];
