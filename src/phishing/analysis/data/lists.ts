// Shipped lists the link, sender and attachment checks use. Data only; sources in each comment.

/** Link shorteners: the real target is hidden until someone clicks (common public shorteners). */
export const shorteners: readonly string[] = [
  'bit.ly', 'bitly.com', 'bit.do', 'tinyurl.com', 't.co', 'ow.ly', 'is.gd', 'v.gd', 'buff.ly', 'rebrand.ly', 'cutt.ly', 'shorturl.at',
  'tiny.cc', 'rb.gy', 't.ly', 'bl.ink', 's.id', 'qrco.de', 'surl.li', 'x.co', 'soo.gd', 'clck.ru', 'u.to', 't2m.io', 'urlz.fr',
  'adf.ly', 'bc.vc', 'ouo.io', 'shrtco.de', 'cli.gs', 'qr.ae', 'mcaf.ee', 'su.pr', 'tr.im', 'tiny.pl', 'shorte.st', 'gg.gg',
  'urlzs.com', 'linkr.it', 'short.gy', 'tinu.be', 'lnk.bio', 'han.gl', 'me2.do', 'vk.cc', 'did.li', 'n9.cl', 'shorturl.gg',
  'hyperurl.co', 'snip.ly', 'shor.by', '0rz.tw', 'goo.su', 'zpr.io', 'rotf.lol', 'l.ead.me', 'spoo.me', 'kutt.it', 'cutt.us',
  'shorturl.asia', 'tinyurl.is', 'ln.run', 'lnkd.at', 'sor.bz', 'shrturi.com', 'oe.cd', 'cuttly.com', 'bitly.ws',
];

/**
 * Top-level domains with a high share of abuse in Spamhaus' and Interisle's yearly reports,
 * or cheap enough to be used mostly for throw-away sites. A link there is not bad by itself.
 */
export const suspiciousTlds: readonly string[] = [
  'top', 'xyz', 'tk', 'ml', 'ga', 'cf', 'gq', 'buzz', 'rest', 'cam', 'icu', 'monster', 'cyou', 'sbs', 'cfd', 'bond', 'click',
  'link', 'quest', 'beauty', 'hair', 'lol', 'mom', 'bar', 'boats', 'autos', 'zip', 'mov', 'su', 'gdn', 'loan', 'win', 'review',
  'country', 'kim', 'men', 'date', 'faith', 'racing', 'party', 'stream', 'download', 'trade', 'accountant', 'cricket', 'webcam',
  'bid', 'xin', 'pw', 'uno', 'best', 'fit', 'work', 'rocks', 'surf', 'tokyo', 'skin', 'makeup', 'yachts', 'motorcycles', 'qpon',
  'lat', 'ink', 'support', 'help', 'wang', 'host', 'fun', 'site', 'online', 'website', 'space', 'store', 'shop', 'live', 'life',
];

/**
 * Hosting, form and file-sharing services where anyone can publish a page in minutes; phishing
 * kits live there because the domain itself has a good name. Matched on the host and its parents.
 */
export const openHosting: readonly string[] = [
  'firebaseapp.com', 'web.app', 'firebasestorage.googleapis.com', 'storage.googleapis.com', 'appspot.com', 'sites.google.com',
  'docs.google.com', 'forms.gle', 'script.google.com', 'github.io', 'gitlab.io', 'netlify.app', 'vercel.app', 'pages.dev',
  'workers.dev', 'r2.dev', 'herokuapp.com', 'glitch.me', 'repl.co', 'replit.app', 'ngrok.io', 'ngrok-free.app', 'ngrok.app',
  'trycloudflare.com', 'azurewebsites.net', 'blob.core.windows.net', 'web.core.windows.net', 'azureedge.net', 's3.amazonaws.com',
  'amplifyapp.com', 'onrender.com', 'fly.dev', 'surge.sh', '000webhostapp.com', 'weebly.com', 'weeblysite.com', 'wixsite.com',
  'wix.com', 'webflow.io', 'blogspot.com', 'wordpress.com', 'godaddysites.com', 'mystrikingly.com', 'square.site', 'jimdosite.com',
  'yolasite.com', 'carrd.co', 'tilda.ws', 'framer.website', 'notion.site', 'typeform.com', 'jotform.com', 'formstack.com',
  'forms.office.com', 'forms.microsoft.com', 'sway.office.com', 'ipfs.io', 'dweb.link', 'cloudflare-ipfs.com', 'ipfs.w3s.link',
  'linktr.ee', 'canva.site', 'page.link', 'graph.org', 'telegra.ph', 'onmicrosoft.com', 'firebasedynamiclinks.googleapis.com',
  'translate.goog', 'azurefd.net', 'cloudfront.net', 'b-cdn.net', 'codepen.io', 'jsfiddle.net', 'glide.page', 'bubbleapps.io', 'softr.app', 'my.canva.site', 'ukit.me', 'filesusr.com', 'mediafire.com', 'wetransfer.com', 'dropboxusercontent.com',
  'onedrive.live.com', '1drv.ms', 'sharepoint.com', 'box.com', 'qualtrics.com', 'surveymonkey.com', 'mailchi.mp', 'beehiiv.com',
];

/** Free mailbox providers: anyone can open an address there in a minute. */
export const freeMail: readonly string[] = [
  'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.de', 'yahoo.es', 'ymail.com', 'rocketmail.com',
  'hotmail.com', 'hotmail.co.uk', 'hotmail.fr', 'outlook.com', 'outlook.fr', 'live.com', 'live.co.uk', 'msn.com', 'aol.com',
  'icloud.com', 'me.com', 'mac.com', 'mail.com', 'email.com', 'gmx.com', 'gmx.net', 'gmx.de', 'web.de', 'yandex.com', 'yandex.ru',
  'mail.ru', 'inbox.ru', 'bk.ru', 'list.ru', 'proton.me', 'protonmail.com', 'zoho.com', 'qq.com', '163.com', '126.com', 'sina.com',
  'rediffmail.com', 'tutanota.com', 'tuta.io', 'libero.it', 'orange.fr', 'laposte.net', 'free.fr', 'uol.com.br', 'bol.com.br',
  'terra.com.br', 'naver.com', 'daum.net', 'seznam.cz', 'wp.pl', 'o2.pl', 'interia.pl', 'usa.com', 'consultant.com', 'post.com',
];

/** File types that run code when opened on Windows or macOS (Microsoft's blocked-attachment list and more). */
export const dangerousExtensions: readonly string[] = [
  'exe', 'scr', 'com', 'pif', 'bat', 'cmd', 'vbs', 'vbe', 'js', 'jse', 'wsf', 'wsh', 'wsc', 'hta', 'msi', 'msp', 'mst', 'cpl', 'jar',
  'ps1', 'ps1xml', 'psc1', 'psm1', 'lnk', 'inf', 'reg', 'scf', 'url', 'iso', 'img', 'vhd', 'vhdx', 'appx', 'appxbundle', 'msix',
  'application', 'gadget', 'msc', 'sct', 'shb', 'xll', 'xla', 'xlam', 'ppam', 'library-ms', 'settingcontent-ms', 'search-ms', 'chm',
  'hlp', 'app', 'dmg', 'pkg', 'command', 'sh', 'apk', 'one', 'onepkg',
];

/** Web pages sent as files: they open in the browser and can hold a fake sign-in form. */
export const htmlExtensions: readonly string[] = ['html', 'htm', 'shtml', 'xhtml', 'mht', 'mhtml', 'svg', 'xht'];

/** Archive formats: their contents are listed when they are ZIP files. */
export const archiveExtensions: readonly string[] = ['zip', 'rar', '7z', 'gz', 'tgz', 'tar', 'bz2', 'xz', 'cab', 'ace', 'arj', 'lzh', 'z', 'zipx', 'r00', 'r01'];

/** Office formats that can carry macros by design. */
export const macroExtensions: readonly string[] = ['docm', 'dotm', 'xlsm', 'xltm', 'xlsb', 'pptm', 'potm', 'ppsm', 'sldm'];

/** Decoy document extensions placed before the real one ("invoice.pdf.exe"). */
export const decoyExtensions: readonly string[] = [
  'pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'txt', 'rtf', 'jpg', 'jpeg', 'png', 'gif', 'bmp', 'mp3', 'mp4', 'avi', 'csv', 'odt', 'zip',
];
