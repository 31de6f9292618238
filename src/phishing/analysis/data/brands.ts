// Organisations whose names and domains phishing mail most often borrows (APWG, Check Point and
// Vade brand-phishing reports, plus tax and postal services residents hear from). Data only:
// `domains` are the registrable domains the organisation really sends from and links to;
// `words` are how people write its name (matched as whole words); `common` marks names that
// are also ordinary words, which need a phishing word beside them to count in a domain.

export interface Brand {
  name: string;
  domains: readonly string[];
  words: readonly string[];
  common?: boolean;
}

export const brands: readonly Brand[] = [
  { name: 'PayPal', domains: ['paypal.com', 'paypal.me', 'paypal-communication.com', 'paypalobjects.com'], words: ['paypal'] },
  { name: 'Microsoft', domains: ['microsoft.com', 'microsoftonline.com', 'office.com', 'office365.com', 'outlook.com', 'live.com', 'hotmail.com', 'msn.com', 'sharepoint.com', 'onedrive.com', 'microsoft365.com', 'azure.com', 'windows.net', 'skype.com', 'xbox.com', 'bing.com', 'linkedin.com', 'aka.ms', 'teams.microsoft.com'], words: ['microsoft', 'office 365', 'office365', 'microsoft 365', 'outlook', 'onedrive', 'sharepoint', 'hotmail'] },
  { name: 'Apple', domains: ['apple.com', 'icloud.com', 'me.com', 'mac.com', 'itunes.com', 'apple.news'], words: ['apple', 'icloud', 'itunes', 'apple id', 'appleid'], common: true },
  { name: 'Amazon', domains: ['amazon.com', 'amazon.co.uk', 'amazon.de', 'amazon.fr', 'amazon.es', 'amazon.it', 'amazon.ca', 'amazon.com.br', 'amazon.co.jp', 'amazon.in', 'amazon.com.au', 'amazon.nl', 'amazonaws.com', 'amazonses.com', 'amzn.to', 'primevideo.com', 'audible.com'], words: ['amazon', 'amazon prime', 'prime video'], common: true },
  { name: 'Google', domains: ['google.com', 'gmail.com', 'googlemail.com', 'youtube.com', 'google.co.uk', 'googleusercontent.com', 'goo.gl', 'g.co', 'withgoogle.com'], words: ['google', 'gmail', 'google drive', 'google docs'] },
  { name: 'Meta', domains: ['facebook.com', 'facebookmail.com', 'instagram.com', 'meta.com', 'whatsapp.com', 'fb.com', 'messenger.com'], words: ['facebook', 'instagram', 'whatsapp', 'meta business'] },
  { name: 'Netflix', domains: ['netflix.com', 'netflix.net'], words: ['netflix'] },
  { name: 'DHL', domains: ['dhl.com', 'dhl.de', 'dhl.co.uk', 'dhl.fr', 'dhl.nl', 'deutschepost.de', 'dpdhl.com'], words: ['dhl'] },
  { name: 'FedEx', domains: ['fedex.com'], words: ['fedex'] },
  { name: 'UPS', domains: ['ups.com'], words: ['ups'], common: true },
  { name: 'USPS', domains: ['usps.com', 'usps.gov'], words: ['usps', 'postal service'] },
  { name: 'PostNL', domains: ['postnl.nl', 'postnl.com'], words: ['postnl'] },
  { name: 'Royal Mail', domains: ['royalmail.com', 'royalmail.co.uk'], words: ['royal mail'] },
  { name: 'Correos', domains: ['correos.es', 'correos.com'], words: ['correos'] },
  { name: 'La Poste', domains: ['laposte.fr', 'laposte.net', 'colissimo.fr'], words: ['la poste', 'colissimo'] },
  { name: 'Correios', domains: ['correios.com.br'], words: ['correios'] },
  { name: 'IRS', domains: ['irs.gov', 'treasury.gov'], words: ['irs', 'internal revenue service'] },
  { name: 'HMRC', domains: ['gov.uk', 'hmrc.gov.uk'], words: ['hmrc', 'hm revenue'] },
  { name: 'Social Security Administration', domains: ['ssa.gov'], words: ['social security administration'] },
  { name: 'Chase', domains: ['chase.com', 'jpmorgan.com', 'jpmorganchase.com'], words: ['chase bank', 'jpmorgan chase', 'chase'], common: true },
  { name: 'Bank of America', domains: ['bankofamerica.com', 'bofa.com', 'ml.com'], words: ['bank of america', 'bankofamerica'] },
  { name: 'Wells Fargo', domains: ['wellsfargo.com', 'wf.com'], words: ['wells fargo', 'wellsfargo'] },
  { name: 'Citibank', domains: ['citi.com', 'citibank.com', 'citigroup.com'], words: ['citibank', 'citi bank'] },
  { name: 'Capital One', domains: ['capitalone.com'], words: ['capital one', 'capitalone', 'capita one'] },
  { name: 'American Express', domains: ['americanexpress.com', 'aexp.com', 'amex.com'], words: ['american express', 'amex'] },
  { name: 'HSBC', domains: ['hsbc.com', 'hsbc.co.uk', 'us.hsbc.com'], words: ['hsbc'] },
  { name: 'Barclays', domains: ['barclays.co.uk', 'barclays.com'], words: ['barclays'] },
  { name: 'Lloyds Bank', domains: ['lloydsbank.com', 'lloydsbank.co.uk'], words: ['lloyds bank'] },
  { name: 'Santander', domains: ['santander.com', 'santander.co.uk', 'santander.com.br', 'santander.es'], words: ['santander'] },
  { name: 'ING', domains: ['ing.com', 'ing.nl', 'ing.de', 'ing.es'], words: ['ing bank'], common: true },
  { name: 'Banco do Brasil', domains: ['bb.com.br'], words: ['banco do brasil'] },
  { name: 'Caixa', domains: ['caixa.gov.br', 'caixabank.es'], words: ['caixa'] },
  { name: 'Itaú', domains: ['itau.com.br'], words: ['itau', 'itaú'] },
  { name: 'Bradesco', domains: ['bradesco.com.br'], words: ['bradesco'] },
  { name: 'BBVA', domains: ['bbva.com', 'bbva.es', 'bbva.mx'], words: ['bbva'] },
  { name: 'Deutsche Bank', domains: ['deutsche-bank.de', 'db.com'], words: ['deutsche bank'] },
  { name: 'Sparkasse', domains: ['sparkasse.de'], words: ['sparkasse'] },
  { name: 'Visa', domains: ['visa.com'], words: ['visa card', 'verified by visa'] },
  { name: 'Mastercard', domains: ['mastercard.com'], words: ['mastercard'] },
  { name: 'Coinbase', domains: ['coinbase.com'], words: ['coinbase'] },
  { name: 'Binance', domains: ['binance.com'], words: ['binance'] },
  { name: 'MetaMask', domains: ['metamask.io', 'consensys.io', 'consensys.net'], words: ['metamask'] },
  { name: 'Trust Wallet', domains: ['trustwallet.com'], words: ['trust wallet', 'trustwallet'] },
  { name: 'Blockchain.com', domains: ['blockchain.com'], words: ['blockchain.com'] },
  { name: 'Ledger', domains: ['ledger.com'], words: ['ledger live'] },
  { name: 'Kraken', domains: ['kraken.com'], words: ['kraken'] },
  { name: 'DocuSign', domains: ['docusign.com', 'docusign.net'], words: ['docusign'] },
  { name: 'Adobe', domains: ['adobe.com', 'adobesign.com', 'echosign.com', 'acrobat.com'], words: ['adobe', 'adobe sign', 'acrobat'] },
  { name: 'Dropbox', domains: ['dropbox.com', 'dropboxmail.com'], words: ['dropbox'] },
  { name: 'WeTransfer', domains: ['wetransfer.com', 'we.tl'], words: ['wetransfer'] },
  { name: 'Zoom', domains: ['zoom.us', 'zoom.com'], words: ['zoom'], common: true },
  { name: 'LinkedIn', domains: ['linkedin.com', 'lnkd.in'], words: ['linkedin'] },
  { name: 'eBay', domains: ['ebay.com', 'ebay.co.uk', 'ebay.de'], words: ['ebay'] },
  { name: 'Walmart', domains: ['walmart.com'], words: ['walmart'] },
  { name: 'Costco', domains: ['costco.com'], words: ['costco'] },
  { name: 'Norton', domains: ['norton.com', 'nortonlifelock.com', 'gen.com'], words: ['norton', 'norton 360', 'lifelock'] },
  { name: 'McAfee', domains: ['mcafee.com'], words: ['mcafee'] },
  { name: 'Geek Squad', domains: ['geeksquad.com', 'bestbuy.com'], words: ['geek squad', 'geeksquad'] },
  { name: 'Yahoo', domains: ['yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.de', 'ymail.com', 'aol.com'], words: ['yahoo'] },
  { name: 'AT&T', domains: ['att.com', 'att.net'], words: ['at&t'] },
  { name: 'Verizon', domains: ['verizon.com', 'verizonwireless.com'], words: ['verizon'] },
  { name: 'Comcast Xfinity', domains: ['xfinity.com', 'comcast.net', 'comcast.com'], words: ['xfinity', 'comcast'] },
  { name: 'Spotify', domains: ['spotify.com'], words: ['spotify'] },
  { name: 'Steam', domains: ['steampowered.com', 'steamcommunity.com'], words: ['steam'], common: true },
  { name: 'Booking.com', domains: ['booking.com'], words: ['booking.com'] },
  { name: 'Airbnb', domains: ['airbnb.com'], words: ['airbnb'] },
  { name: 'Stanley', domains: ['stanleytools.com', 'stanley1913.com'], words: ['stanley'], common: true },
  { name: 'Tesla', domains: ['tesla.com'], words: ['tesla'] },
  { name: 'ADAC', domains: ['adac.de'], words: ['adac'] },
  { name: 'Telekom', domains: ['telekom.de', 't-online.de'], words: ['telekom'] },
  { name: 'Orange', domains: ['orange.fr', 'orange.com'], words: ['orange'], common: true },
  { name: 'Swisscom', domains: ['swisscom.ch'], words: ['swisscom'] },
  { name: 'Vodafone', domains: ['vodafone.com', 'vodafone.de', 'vodafone.co.uk'], words: ['vodafone'] },
];

/**
 * Words that phishing domains glue to a borrowed name ("paypal-secure-login", "appleidverify"):
 * a brand name next to one of these in a domain that is not the brand's is a combo-squat.
 */
export const lureWords: readonly string[] = [
  'account', 'accounts', 'access', 'alert', 'alerts', 'app', 'auth', 'billing', 'center', 'centre', 'check', 'client', 'cloud',
  'confirm', 'connect', 'customer', 'customers', 'delivery', 'desk', 'help', 'helpdesk', 'id', 'info', 'invoice', 'login', 'logon',
  'mail', 'member', 'my', 'notice', 'notification', 'official', 'online', 'pay', 'payment', 'portal', 'recover', 'recovery', 'refund',
  'renew', 'reset', 'restore', 'secure', 'security', 'service', 'services', 'signin', 'sign', 'support', 'team', 'track', 'tracking',
  'unlock', 'update', 'user', 'verification', 'verify', 'wallet', 'web', 'webmail', 'www', 'claim', 'reward', 'rewards', 'airdrop', 'gift',
  'bank', 'banking', 'bonus', 'promo', 'prize', 'parcel', 'package', 'shipping', 'express', 'tax', 'gov', 'us', 'usa', 'uk', 'store', 'shop',
];
