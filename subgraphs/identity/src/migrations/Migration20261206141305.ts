import { Migration } from '@mikro-orm/migrations';

export class Migration20261206141305 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "session_expires_at_index" on "identity"."session" ("expires_at");`);

    this.addSql(`create index "password_setup_ticket_expires_at_index" on "identity"."password_setup_ticket" ("expires_at");`);

    this.addSql(`create index "password_reset_ticket_expires_at_index" on "identity"."password_reset_ticket" ("expires_at");`);

    this.addSql(`create index "email_verification_expires_at_index" on "identity"."email_verification" ("expires_at");`);

    this.addSql(`create index "oauth_authorization_code_expires_at_index" on "identity"."oauth_authorization_code" ("expires_at");`);

    this.addSql(`create index "totp_factor_created_at_index" on "identity"."totp_factor" ("created_at");`);

    this.addSql(`create index "oauth_authorization_code_application_id_index" on "identity"."oauth_authorization_code" ("application_id");`);
    this.addSql(`create index "oauth_authorization_code_approved_in_id_index" on "identity"."oauth_authorization_code" ("approved_in_id");`);

    // Written by hand: the differ matches indexes by name. Only ended sessions are indexed.
    this.addSql(`drop index "identity"."session_revoked_at_index";`);
    this.addSql(`create index "session_revoked_at_index" on "identity"."session" ("revoked_at") where "revoked_at" is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "identity"."totp_factor_created_at_index";`);
    this.addSql(`drop index "identity"."oauth_authorization_code_application_id_index";`);
    this.addSql(`drop index "identity"."oauth_authorization_code_approved_in_id_index";`);

    this.addSql(`drop index "identity"."session_revoked_at_index";`);
    this.addSql(`create index "session_revoked_at_index" on "identity"."session" ("revoked_at");`);

    this.addSql(`drop index "identity"."email_verification_expires_at_index";`);

    this.addSql(`drop index "identity"."oauth_authorization_code_expires_at_index";`);

    this.addSql(`drop index "identity"."password_reset_ticket_expires_at_index";`);

    this.addSql(`drop index "identity"."password_setup_ticket_expires_at_index";`);

    this.addSql(`drop index "identity"."session_expires_at_index";`);
  }

}
