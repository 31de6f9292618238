// Language checks: fraud phrasing in several languages, found through look-alike letters and
// accents, counted as distinct phrases so that one stray word does not condemn a mail.
import { describe, expect, it } from 'vitest';
import { analyseEmail } from './analyse.js';
import { phraseHits } from './check-language.js';
import { foldText } from './fold.js';
import { buildMail } from './testing.js';
import type { Analysis } from './types.js';

const ids = (a: Analysis): string[] => a.findings.map((f) => f.id);
const say = async (text: string, subject?: string): Promise<string[]> => ids(await analyseEmail(buildMail({ text, ...(subject ? { subject } : {}) })));

describe('foldText', () => {
  it('folds look-alike letters, accents and invisible characters', () => {
    expect(foldText('Urgеnt: Yоur Ѕесurіtу')).toBe('urgent: your security');
    expect(foldText('Contraseña VERIFIQUE')).toBe('contrasena verifique');
    expect(foldText('pass\u200bword')).toBe('password');
  });
});

describe('phraseHits', () => {
  it('counts distinct phrases per group, as whole words', () => {
    const hits = phraseHits('URGENT!! Act now, urgent: verify your account and reset your password');
    expect(hits.get('urgency')).toEqual(['urgent', 'act now']);
    expect(hits.get('credentials')).toEqual(['verify your account', 'reset your password']);
    expect(phraseHits('the turgently xiban').get('urgency')).toEqual([]);
  });
});

describe('language findings', () => {
  it('recognises credential requests and urgency in English, with look-alike letters', async () => {
    expect(await say('Unusual activity: your account has been suspended. Verify your identity within 24 hours or it will be closed.')).toEqual(
      expect.arrayContaining(['credential-request', 'urgency']),
    );
    expect(await say('Vеrify yоur аccount nоw. Unusual sign in detected.')).toContain('credential-request');
  });

  it('recognises the same requests in Spanish, Portuguese, French and German', async () => {
    expect(await say('Verifique su cuenta inmediatamente: su cuenta ha sido bloqueada.')).toContain('credential-request');
    expect(await say('Verifique sua conta: sua senha expira hoje, urgente.')).toContain('credential-request');
    expect(await say('Veuillez vérifier votre compte, votre mot de passe expire.')).toContain('credential-request');
    expect(await say('Bitte Konto verifizieren, Ihr Konto wurde gesperrt.')).toContain('credential-request');
  });

  it('recognises payment diversion and gift-card requests', async () => {
    expect(await say('Please note our bank details have changed. Kindly process the outstanding invoice to the new bank account.')).toContain('payment-change');
    expect(await say('Are you free? I need you to buy some gift cards for a client and send me the codes.')).toContain('gift-card');
  });

  it('recognises sextortion, advance-fee and prize lures', async () => {
    expect(await say('I hacked your device and recorded you through your webcam. Pay 1000 USD to my bitcoin address within 48 hours or all your contacts get the video.')).toContain('threat');
    expect(await say('I am a barrister. My late client left an inheritance of 10 million dollars; as next of kin you are the beneficiary. Reply urgently.')).toContain('advance-fee');
    expect(await say('Congratulations! Claim your airdrop reward now: free tokens for early users.')).toContain('prize-lure');
  });

  it('recognises adverts for criminal services and sexual come-ons', async () => {
    expect(await say('Selling shells, cpanels, smtps, rdps, webmails and leads. Contact us.')).toContain('criminal-services');
    expect(await say("I'm available for live sex chat, contact me.")).toContain('adult-lure');
  });

  it('leaves ordinary mail alone', async () => {
    expect(await say('Hi Sam, the meeting moved to 3pm. The minutes are on the shared drive. Thanks, Alex')).toEqual([]);
    expect(await say('Our security team patched the servers last night; no action is needed from you.')).toEqual([]);
  });
});
