"""factory_boy factories for the register. Codes are valid by construction."""

import datetime

import factory
from django.contrib.auth import get_user_model

from communities import models as m
from communities.validators import credit_code_check_char, id_number_check_char


def valid_credit_code(n: int) -> str:
    first17 = f"91110105{n:09d}"
    return first17 + credit_code_check_char(first17)


def valid_id_number(n: int, birth: str = "19900307") -> str:
    first17 = f"110101{birth}{n % 1000:03d}"
    return first17 + id_number_check_char(first17)


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.District
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{110100 + n:06d}")
    name = factory.Sequence(lambda n: f"示范区{n}")


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Street

    district = factory.SubFactory(DistrictFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.district.code}{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"和平街道{n}")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Community

    street = factory.SubFactory(StreetFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.street.code}{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"幸福社区{n}")


class CompoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Compound

    community = factory.SubFactory(CommunityFactory)
    code = factory.Sequence(lambda n: f"XQ{n:05d}")
    name = factory.Sequence(lambda n: f"阳光小区{n}")
    address = factory.Sequence(lambda n: f"和平路{n}号")
    household_count = 120
    building_count = 6
    year_built = 2005


class PropertyCompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.PropertyCompany

    name = factory.Sequence(lambda n: f"安居物业服务有限公司{n}")
    credit_code = factory.Sequence(valid_credit_code)
    district = factory.SubFactory(DistrictFactory)
    contact_person = "王经理"
    contact_phone = "13800000000"


class ManagementTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ManagementTerm

    compound = factory.SubFactory(CompoundFactory)
    company = factory.SubFactory(PropertyCompanyFactory)
    start = datetime.date(2024, 1, 1)
    end = None


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Household

    compound = factory.SubFactory(CompoundFactory)
    building = factory.Sequence(lambda n: str(n // 100 + 1))
    unit = "1"
    room = factory.Sequence(lambda n: f"{n % 100 + 101}")
    residents = 3
    head_name = "李四"
    head_phone = factory.Sequence(lambda n: f"139{n:08d}")
    head_id_number = factory.Sequence(valid_id_number)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("SafeCompound-2026")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Organisation

    name = factory.Sequence(lambda n: f"机构{n}")
    kind = m.OrganisationKind.BUREAU


class ResidentFactory(factory.django.DjangoModelFactory):
    """A registered resident (户籍) with a valid identity card number, living there now."""

    class Meta:
        model = m.Resident

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Sequence(lambda n: f"居民{n}")
    document_type = m.DocumentType.ID_CARD
    id_number = factory.Sequence(lambda n: valid_id_number(n, birth=f"{1950 + n // 1000 % 50}0101"))
    phone = factory.Sequence(lambda n: f"137{n:08d}")
    kind = m.ResidentKind.REGISTERED
    relation = m.Relation.FAMILY
