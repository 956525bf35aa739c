import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { SubgraphContext } from '../../../../lib/graphql/context.js';
import { actorOf } from '../events/catalog-events.js';
import { CatalogStatus } from './catalog-status.js';
import * as catalog from './catalog.service.js';
import {
  CompanyPage,
  CompanyType,
  CreateCompanyInput,
  CreateModuleInput,
  CreateSiteInput,
  CreateSystemInput,
  ModulePage,
  ModuleType,
  SitePage,
  SiteType,
  SystemPage,
  SystemType,
  UpdateCatalogItemInput,
  toPage,
} from './catalog.types.js';

const keyword = { nullable: true, description: 'Part of the name or key, case-insensitive' } as const;
const limitOf = (defaultValue: number) => ({ defaultValue, description: '1 to 1000' }) as const;
const offset = { defaultValue: 0, description: '0 or more' } as const;

/** Administration of the catalog. Shield: queries for admins, mutations for system admins. */
@Resolver()
export class CatalogResolver {
  @Query(() => SystemPage, { description: 'Systems, oldest first' })
  async systems(
    @Ctx() { em }: SubgraphContext,
    @Arg('keyword', () => String, keyword) keywordArg: string | null,
    @Arg('status', () => CatalogStatus, { nullable: true }) status: CatalogStatus | null,
    @Arg('limit', () => Int, limitOf(200)) limit: number,
    @Arg('offset', () => Int, offset) offsetArg: number,
  ): Promise<SystemPage> {
    const page = await catalog.listSystems(em, { keyword: keywordArg, status, limit, offset: offsetArg });
    return toPage(SystemPage, page, (row) => SystemType.from(row));
  }

  @Query(() => ModulePage, { description: 'Modules, oldest first' })
  async modules(
    @Ctx() { em }: SubgraphContext,
    @Arg('systemKey', () => String, { nullable: true }) systemKey: string | null,
    @Arg('keyword', () => String, keyword) keywordArg: string | null,
    @Arg('limit', () => Int, limitOf(500)) limit: number,
    @Arg('offset', () => Int, offset) offsetArg: number,
  ): Promise<ModulePage> {
    const page = await catalog.listModules(em, { systemKey, keyword: keywordArg, limit, offset: offsetArg });
    return toPage(ModulePage, page, (row) => ModuleType.from(row));
  }

  @Query(() => CompanyPage, { description: 'Companies, oldest first' })
  async companies(
    @Ctx() { em }: SubgraphContext,
    @Arg('keyword', () => String, keyword) keywordArg: string | null,
    @Arg('limit', () => Int, limitOf(500)) limit: number,
    @Arg('offset', () => Int, offset) offsetArg: number,
  ): Promise<CompanyPage> {
    const page = await catalog.listCompanies(em, { keyword: keywordArg, limit, offset: offsetArg });
    return toPage(CompanyPage, page, (row) => CompanyType.from(row));
  }

  @Query(() => SitePage, { description: 'Sites, oldest first' })
  async sites(
    @Ctx() { em }: SubgraphContext,
    @Arg('companyKey', () => String, { nullable: true }) companyKey: string | null,
    @Arg('keyword', () => String, keyword) keywordArg: string | null,
    @Arg('limit', () => Int, limitOf(500)) limit: number,
    @Arg('offset', () => Int, offset) offsetArg: number,
  ): Promise<SitePage> {
    const page = await catalog.listSites(em, { companyKey, keyword: keywordArg, limit, offset: offsetArg });
    return toPage(SitePage, page, (row) => SiteType.from(row));
  }

  @Mutation(() => SystemType, { description: 'Creates a system under a fresh ST key' })
  async createSystem(
    @Arg('input', () => CreateSystemInput) input: CreateSystemInput,
    @Ctx() context: SubgraphContext,
  ): Promise<SystemType> {
    return SystemType.from(await catalog.createSystem(context.em, actorOf(context), input));
  }

  @Mutation(() => ModuleType, { description: 'Creates a module of a system under a fresh MD key' })
  async createModule(
    @Arg('input', () => CreateModuleInput) input: CreateModuleInput,
    @Ctx() context: SubgraphContext,
  ): Promise<ModuleType> {
    return ModuleType.from(await catalog.createModule(context.em, actorOf(context), input));
  }

  @Mutation(() => CompanyType, { description: 'Creates a company under a fresh CP key' })
  async createCompany(
    @Arg('input', () => CreateCompanyInput) input: CreateCompanyInput,
    @Ctx() context: SubgraphContext,
  ): Promise<CompanyType> {
    return CompanyType.from(await catalog.createCompany(context.em, actorOf(context), input));
  }

  @Mutation(() => SiteType, { description: 'Creates a site of a company under a fresh ST key' })
  async createSite(
    @Arg('input', () => CreateSiteInput) input: CreateSiteInput,
    @Ctx() context: SubgraphContext,
  ): Promise<SiteType> {
    return SiteType.from(await catalog.createSite(context.em, actorOf(context), input));
  }

  @Mutation(() => SystemType)
  async updateSystem(
    @Arg('key', () => String) key: string,
    @Arg('input', () => UpdateCatalogItemInput) input: UpdateCatalogItemInput,
    @Ctx() context: SubgraphContext,
  ): Promise<SystemType> {
    return SystemType.from(await catalog.rename(context.em, actorOf(context), 'system', key, input));
  }

  @Mutation(() => ModuleType)
  async updateModule(
    @Arg('key', () => String) key: string,
    @Arg('input', () => UpdateCatalogItemInput) input: UpdateCatalogItemInput,
    @Ctx() context: SubgraphContext,
  ): Promise<ModuleType> {
    return ModuleType.from(await catalog.rename(context.em, actorOf(context), 'module', key, input));
  }

  @Mutation(() => CompanyType)
  async updateCompany(
    @Arg('key', () => String) key: string,
    @Arg('input', () => UpdateCatalogItemInput) input: UpdateCatalogItemInput,
    @Ctx() context: SubgraphContext,
  ): Promise<CompanyType> {
    return CompanyType.from(await catalog.rename(context.em, actorOf(context), 'company', key, input));
  }

  @Mutation(() => SiteType)
  async updateSite(
    @Arg('key', () => String) key: string,
    @Arg('input', () => UpdateCatalogItemInput) input: UpdateCatalogItemInput,
    @Ctx() context: SubgraphContext,
  ): Promise<SiteType> {
    return SiteType.from(await catalog.rename(context.em, actorOf(context), 'site', key, input));
  }

  @Mutation(() => SystemType, { description: 'Refused (CONFLICT) to deactivate while grants name it' })
  async setSystemStatus(
    @Arg('key', () => String) key: string,
    @Arg('status', () => CatalogStatus) status: CatalogStatus,
    @Ctx() context: SubgraphContext,
  ): Promise<SystemType> {
    return SystemType.from(await catalog.setStatus(context.em, actorOf(context), 'system', key, status));
  }

  @Mutation(() => ModuleType, { description: 'Refused (CONFLICT) to deactivate while grants name it' })
  async setModuleStatus(
    @Arg('key', () => String) key: string,
    @Arg('status', () => CatalogStatus) status: CatalogStatus,
    @Ctx() context: SubgraphContext,
  ): Promise<ModuleType> {
    return ModuleType.from(await catalog.setStatus(context.em, actorOf(context), 'module', key, status));
  }

  @Mutation(() => CompanyType, { description: 'Refused (CONFLICT) to deactivate while grants name it' })
  async setCompanyStatus(
    @Arg('key', () => String) key: string,
    @Arg('status', () => CatalogStatus) status: CatalogStatus,
    @Ctx() context: SubgraphContext,
  ): Promise<CompanyType> {
    return CompanyType.from(await catalog.setStatus(context.em, actorOf(context), 'company', key, status));
  }

  @Mutation(() => SiteType, { description: 'Refused (CONFLICT) to deactivate while grants name it' })
  async setSiteStatus(
    @Arg('key', () => String) key: string,
    @Arg('status', () => CatalogStatus) status: CatalogStatus,
    @Ctx() context: SubgraphContext,
  ): Promise<SiteType> {
    return SiteType.from(await catalog.setStatus(context.em, actorOf(context), 'site', key, status));
  }
}
