// Sign-in, the current user, and their own account: password, second factor, reset links,
// accepting an invitation.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import { actorOf, requestInfo, sessionCookie } from '../http/auth.plugin.js';
import { errorResponses, NoContent, Nullable } from '../http/schemas.js';
import {
  beginTotpSetup,
  changePassword,
  completePasswordReset,
  disableTotp,
  enableTotp,
  login,
  logout,
  requestPasswordReset,
  toMe,
  type SignedIn,
} from './auth.service.js';
import { acceptInvitation, describeInvitation } from './invitations.service.js';
import { getOrganisation } from './organisations.service.js';
import { LinkToken, LoginSchema, MeSchema, Password, RoleSchema, SettingsSchema, SignedInSchema } from './orgs.schemas.js';
import { readSettings } from './settings.service.js';
import { findUserById } from './users.repository.js';

export const authRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const rateLimit = { max: ctx.config.loginRateLimit, timeWindow: 60_000 };

  const startSession = (reply: FastifyReply, signedIn: SignedIn) => {
    reply.setCookie(sessionCookie, signedIn.sessionToken, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.config.cookieSecure,
      expires: new Date(signedIn.expiresAt),
    });
    return { user: signedIn.user, csrfToken: signedIn.csrfToken };
  };

  app.post(
    '/auth/login',
    {
      config: { public: true, rateLimit },
      schema: { tags: ['auth'], summary: 'Sign in with email, password and (when enabled) an authenticator code', body: LoginSchema, response: { 200: SignedInSchema, ...errorResponses } },
    },
    async (request, reply) => startSession(reply, await login(ctx, request.body, requestInfo(request))),
  );

  app.post(
    '/auth/logout',
    { config: { allowWithoutTotp: true }, schema: { tags: ['auth'], summary: 'Sign out of this browser', response: { 204: NoContent, ...errorResponses } } },
    async (request, reply) => {
      if (request.session) await logout(ctx, actorOf(request), request.session.token);
      reply.clearCookie(sessionCookie, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      config: { allowWithoutTotp: true },
      schema: {
        tags: ['auth'],
        summary: 'Who am I: the user, their organisation, and the CSRF token for browser sessions',
        response: {
          200: Type.Object({ user: MeSchema, organisation: Nullable(Type.Ref('Organisation')), csrfToken: Nullable(Type.String()), settings: Type.Ref('Settings') }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const row = await findUserById(ctx.db, actor.userId!);
      const user = await toMe(ctx, row!);
      const organisation = user.orgId ? await getOrganisation(ctx, actor, user.orgId) : null;
      return { user, organisation, csrfToken: request.session?.csrfToken ?? null, settings: await readSettings(ctx) };
    },
  );

  app.post(
    '/me/password',
    {
      config: { sessionOnly: true, allowWithoutTotp: true },
      schema: {
        tags: ['auth'],
        summary: 'Change your password (signs out your other browsers)',
        body: Type.Object({ currentPassword: Password, newPassword: Password }, { additionalProperties: false }),
        response: { 204: NoContent, ...errorResponses },
      },
    },
    async (request, reply) => {
      await changePassword(ctx, actorOf(request), request.body.currentPassword, request.body.newPassword, request.session?.hash);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/me/totp/setup',
    {
      config: { sessionOnly: true, allowWithoutTotp: true },
      schema: { tags: ['auth'], summary: 'Start authenticator set-up: a new secret and its QR code', response: { 200: Type.Object({ secret: Type.String(), otpauthUrl: Type.String(), qrSvg: Type.String() }), ...errorResponses } },
    },
    async (request) => beginTotpSetup(ctx, actorOf(request)),
  );

  app.post(
    '/me/totp/enable',
    {
      config: { sessionOnly: true, allowWithoutTotp: true },
      schema: { tags: ['auth'], summary: 'Confirm authenticator set-up with a current code', body: Type.Object({ code: Type.String({ maxLength: 12 }) }, { additionalProperties: false }), response: { 204: NoContent, ...errorResponses } },
    },
    async (request, reply) => {
      await enableTotp(ctx, actorOf(request), request.body.code);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/me/totp/disable',
    {
      config: { sessionOnly: true },
      schema: { tags: ['auth'], summary: 'Turn off the authenticator (needs your password)', body: Type.Object({ password: Password }, { additionalProperties: false }), response: { 204: NoContent, ...errorResponses } },
    },
    async (request, reply) => {
      await disableTotp(ctx, actorOf(request), request.body.password);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/auth/password-reset',
    {
      config: { public: true, rateLimit },
      schema: { tags: ['auth'], summary: 'Email a password-reset link (always 202: the answer does not reveal who has an account)', body: Type.Object({ email: Type.String({ maxLength: 254 }) }, { additionalProperties: false }), response: { 202: NoContent, ...errorResponses } },
    },
    async (request, reply) => {
      await requestPasswordReset(ctx, request.body.email, requestInfo(request));
      return reply.status(202).send(null);
    },
  );

  app.post(
    '/auth/password-reset/complete',
    {
      config: { public: true, rateLimit },
      schema: { tags: ['auth'], summary: 'Choose a new password with a reset link', body: Type.Object({ token: LinkToken, password: Password }, { additionalProperties: false }), response: { 204: NoContent, ...errorResponses } },
    },
    async (request, reply) => {
      await completePasswordReset(ctx, request.body.token, request.body.password, requestInfo(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/invitations/by-token/:token',
    {
      config: { public: true, rateLimit },
      schema: {
        tags: ['auth'],
        summary: 'What an invitation link offers',
        params: Type.Object({ token: LinkToken }),
        response: { 200: Type.Object({ email: Type.String(), organisationName: Nullable(Type.String()), role: Nullable(RoleSchema), isOperator: Type.Boolean() }), ...errorResponses },
      },
    },
    async (request) => describeInvitation(ctx, request.params.token),
  );

  app.post(
    '/invitations/by-token/:token/accept',
    {
      config: { public: true, rateLimit },
      schema: {
        tags: ['auth'],
        summary: 'Accept an invitation: choose a name and password, and be signed in',
        params: Type.Object({ token: LinkToken }),
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), password: Password }, { additionalProperties: false }),
        response: { 200: SignedInSchema, ...errorResponses },
      },
    },
    async (request, reply) => startSession(reply, await acceptInvitation(ctx, request.params.token, request.body, requestInfo(request))),
  );

  app.get(
    '/settings',
    { schema: { tags: ['hub'], summary: 'Hub-wide settings', response: { 200: SettingsSchema, ...errorResponses } } },
    async () => readSettings(ctx),
  );
};
