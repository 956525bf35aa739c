import { Field, Int, ObjectType, type ClassType } from 'type-graphql';

/**
 * The fields of a page addressed by number (`page`, `limit`, 1-based) of `item`: subclass it with
 * the page's own `@ObjectType` name. Descriptions are per list, as each orders and counts its own.
 */
export function numberedPageOf<T extends object>(
  item: ClassType<T>,
  descriptions: { readonly items?: string; readonly total?: string } = {},
) {
  @ObjectType()
  abstract class NumberedPage {
    @Field(() => [item], descriptions.items ? { description: descriptions.items } : {})
    items!: T[];

    @Field(() => Int, descriptions.total ? { description: descriptions.total } : {})
    total!: number;

    @Field(() => Int)
    page!: number;

    @Field(() => Int)
    limit!: number;
  }
  return NumberedPage;
}
