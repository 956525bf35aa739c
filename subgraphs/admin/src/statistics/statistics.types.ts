import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('ApplicationUsage')
export class ApplicationUsageType {
  @Field(() => ID)
  applicationId!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => Int, { description: 'Sign-ins through the application today (its code exchanges)' })
  authentications!: number;
}

@ObjectType('Statistics', { description: 'Platform figures; "today" is the current UTC day' })
export class StatisticsType {
  @Field({ description: 'The UTC day the *Today figures count, YYYY-MM-DD' })
  day!: string;

  @Field(() => Int, { description: 'Accounts that exist' })
  totalUsers!: number;

  @Field(() => Int, { description: 'Distinct accounts that signed in today' })
  activeUsersToday!: number;

  @Field(() => Int, { description: 'OAuth applications that exist' })
  totalApplications!: number;

  @Field(() => Int, {
    description:
      'Successful credential sign-ins today (API login or hosted page); an OAuth sign-in through the hosted page counts once',
  })
  totalAuthenticationsToday!: number;

  @Field(() => [ApplicationUsageType], { description: 'The applications with the most sign-ins today (at most 5)' })
  topApplications!: ApplicationUsageType[];
}
