import { registerEnumType } from 'type-graphql';

/** Self-described gender; the same values in GraphQL and in the PostgreSQL enum `member.gender`. */
export enum Gender {
  FEMALE = 'FEMALE',
  MALE = 'MALE',
  OTHER = 'OTHER',
  UNDISCLOSED = 'UNDISCLOSED',
}
registerEnumType(Gender, { name: 'Gender', description: 'Self-described gender' });
