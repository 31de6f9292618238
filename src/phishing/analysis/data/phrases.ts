// Phrases typical of each kind of fraud, in English, Spanish, Portuguese, French, German and
// Dutch. Matched on lower-cased text with look-alike letters folded and accents removed, as
// whole words; each list counts the distinct phrases found. Data only.

export interface PhraseGroup {
  id: string;
  phrases: readonly string[];
}

export const urgency: PhraseGroup = {
  id: 'urgency',
  phrases: [
    'urgent', 'urgently', 'immediately', 'immediate action', 'action required', 'act now', 'within 24 hours', 'within 48 hours',
    'within 24hrs', 'final notice', 'final reminder', 'last warning', 'last chance', 'expires today', 'will be suspended',
    'will be closed', 'will be deleted', 'will be terminated', 'permanently deleted', 'failure to', 'as soon as possible', 'asap',
    'time sensitive', 'respond now', 'without delay', 'deadline',
    'urgente', 'inmediatamente', 'de inmediato', 'ultimo aviso', 'imediatamente', 'acao necessaria', 'ultima chance',
    'dringend', 'sofort', 'umgehend', 'letzte mahnung', 'letzte erinnerung', 'innerhalb von 24 stunden',
    'immediatement', 'dernier avis', 'dernier rappel', 'action requise', 'sous 24 heures', 'onmiddellijk', 'laatste herinnering',
  ],
};

export const credentials: PhraseGroup = {
  id: 'credentials',
  phrases: [
    'verify your account', 'verify your identity', 'confirm your identity', 'confirm your account', 'validate your account',
    'update your account', 'update your payment', 'update your billing', 'update your information', 'update your details',
    'confirm your details', 'confirm your password', 'your password', 'reset your password', 'password expires', 'password will expire',
    'sign in to your account', 'log in to your account', 'login to your account', 'sign in now', 'log in now', 'login here',
    'account has been suspended', 'account has been locked', 'account has been limited', 'account suspended', 'account locked',
    'account will be suspended', 'account will be closed', 'unusual activity', 'unusual sign in', 'suspicious activity',
    'unauthorized access', 'unauthorised access', 'security alert', 'mailbox is full', 'mailbox storage', 'storage is full',
    're-activate', 'reactivate your', 'restore access', 'unlock your account', 'billing information', 'payment information',
    'payment method', 'payment failed', 'payment declined', 'card has expired', 'credit card details', 'social security number',
    'update your card', 'card information', 'card details', 'no longer valid', 'membership will be cancelled', 'membership will be canceled',
    'subscription has expired', 'subscription will be cancelled', 'storage is almost full', 'storage space', 'cloud storage', 'almost full',
    'quota exceeded', 'delivery failed', 'could not be delivered', 'pending messages', 'incoming messages', 'shared a document',
    'shared a file', 'view document', 'review document', 'access the document', 'espacio de almacenamiento', 'armazenamento',
    'quase cheio', 'atualize agora', 'speicherplatz', 'espace de stockage',
    'verifique su cuenta', 'confirme su identidad', 'actualice sus datos', 'su cuenta ha sido', 'contrasena',
    'verifique sua conta', 'confirme seus dados', 'atualize seus dados', 'sua conta foi', 'sua senha', 'bloqueada',
    'konto verifizieren', 'bestatigen sie ihre', 'ihr konto wurde', 'ihr passwort', 'konto gesperrt', 'zugang gesperrt',
    'verifier votre compte', 'confirmer votre identite', 'votre compte a ete', 'votre mot de passe', 'compte suspendu',
    'uw account', 'bevestig uw', 'verifieer uw', 'uw wachtwoord',
  ],
};

export const paymentChange: PhraseGroup = {
  id: 'payment-change',
  phrases: [
    'bank details have changed', 'change of bank details', 'changed our bank', 'new bank account', 'new bank details',
    'updated bank details', 'updated banking', 'banking details', 'bank account details', 'wire transfer', 'wire the funds',
    'remittance', 'outstanding invoice', 'overdue invoice', 'unpaid invoice', 'payment instructions', 'iban', 'swift code',
    'routing number', 'account number', 'kindly process', 'process the payment', 'urgent payment', 'make a payment', 'direct deposit',
    'payroll', 'transfer the amount', 'nuevos datos bancarios', 'transferencia bancaria', 'novos dados bancarios',
    'transferencia', 'neue bankverbindung', 'uberweisung', 'nouvelles coordonnees bancaires', 'virement',
  ],
};

export const giftCards: PhraseGroup = {
  id: 'gift-card',
  phrases: [
    'gift card', 'gift cards', 'giftcard', 'itunes card', 'google play card', 'steam card', 'amazon card', 'apple card',
    'scratch the back', 'send me the codes', 'card codes', 'redeem codes', 'tarjeta de regalo', 'cartao presente',
    'geschenkkarte', 'gutscheinkarte', 'carte cadeau',
  ],
};

export const sextortion: PhraseGroup = {
  id: 'sextortion',
  phrases: [
    'bitcoin', 'btc', 'wallet address', 'bitcoin address', 'recorded you', 'recorded a video', 'your webcam', 'webcam', 'camera',
    'adult website', 'adult content', 'porn', 'pornographic', 'masturbat', 'intimate', 'your contacts', 'all your contacts',
    'hacked your', 'i hacked', 'malware on your', 'spyware', 'your device', 'your computer', 'keylogger', 'trojan', 'remote access',
    '48 hours', '72 hours', 'do not reply', 'police', 'i have access', 'full access', 'personal data has leaked', 'compromising',
    'embarrassing', 'your family', 'your friends', 'video of you', 'tu camara', 'sua camera', 'ihre webcam', 'votre webcam',
  ],
};

export const advanceFee: PhraseGroup = {
  id: 'advance-fee',
  phrases: [
    'beneficiary', 'next of kin', 'inheritance', 'deceased', 'late client', 'barrister', 'diplomat', 'diplomatic', 'consignment',
    'compensation fund', 'compensation payment', 'lottery', 'unclaimed', 'atm card', 'million dollars', 'million us dollars',
    'foreign partner', 'transfer of the fund', 'transfer of funds', 'fund transfer', 'confidential business', 'business proposal',
    'donation', 'philanthropist', 'charity', 'my late husband', 'my late father', 'widow', 'cancer', 'terminally ill', 'bank draft',
    'certificate of deposit', 'security company', 'western union', 'moneygram', 'winning', 'winner', 'claim your', 'prize',
    'jackpot', 'grant', 'funds', 'fund', 'god bless', 'dear friend', 'dear beneficiary', 'attorney', 'lawyer', 'your share',
    'percent', 'reply urgently', 'private email', 'personal email', 'has won', 'donor', 'get back to me', 'email owner',
    'e-mail owner', 'your email address has', 'kindly', 'investor', 'my name is', 'contact me', 'dear sir', 'dear madam', 'nigeria', 'ghana', 'benin', 'togo', 'burkina faso',
    'heranca', 'beneficiario', 'advogado', 'herencia', 'abogado', 'premio', 'loteria', 'erbschaft', 'anwalt', 'gewinner', 'spende',
    'heritage', 'avocat', 'gagnant', 'loterie', 'erfenis', 'advocaat',
  ],
};

export const cryptoAndPrizes: PhraseGroup = {
  id: 'prize',
  phrases: [
    'airdrop', 'claim your', 'claim now', 'claim reward', 'claim tokens', 'seed phrase', 'recovery phrase', 'secret phrase',
    'private key', 'connect your wallet', 'connect wallet', 'wallet has been', 'wallet will be', 'free crypto', 'free bitcoin',
    'free tokens', 'token', 'tokens', 'you have won', 'you won', 'you have been selected', 'congratulations', 'winner', 'reward',
    'rewards', 'free gift', 'free spins', 'casino', 'bonus', 'jackpot', 'exclusive offer', 'limited time', 'cashback', 'withdraw',
    'withdrawal', 'your funds', 'investment', 'profit', 'double your', 'giveaway', 'free eth', 'free btc', 'free usdt', 'ethereum',
    'your wallet', 'incoming transaction', 'new transaction', 'receive funds', 'withdrawal of funds', 'pending withdrawal',
    'your balance', 'accumulated', 'crypto',
    'felicidades', 'ganador', 'parabens', 'voce ganhou', 'gewonnen', 'gluckwunsch', 'felicitations', 'vous avez gagne', 'gefeliciteerd',
  ],
};

/** Offers of stolen access, hacking tools and fake engagement: the underground market's adverts. */
export const criminalServices: PhraseGroup = {
  id: 'criminal-services',
  phrases: [
    'shells', 'cpanel', 'cpanels', 'smtp', 'smtps', 'rdp', 'rdps', 'ssh', 'mailers', 'leads', 'webmails', 'cvv', 'fullz', 'dumps',
    'bank logs', 'spamming tools', 'scam pages', 'inbox mailer', 'fud', 'crypter', 'botnet', 'ddos', 'followers', 'likes',
    'black market', 'hacked accounts', 'combo list', 'carding',
  ],
};

/** Sexual and dating come-ons used to lure people to scam sites. */
export const adultLure: PhraseGroup = {
  id: 'adult',
  phrases: [
    'sex chat', 'live sex', 'sexy', 'hot girls', 'naughty', 'horny', 'nude', 'nudes', 'hookup', 'hook up', 'adult dating',
    'private photos', 'webcam girl', 'xxx', 'erotic', 'single women', 'looking for a man', 'casual sex', 'sex', 'dating',
  ],
};

export const groups: readonly PhraseGroup[] = [urgency, credentials, paymentChange, giftCards, sextortion, advanceFee, cryptoAndPrizes, criminalServices, adultLure];
