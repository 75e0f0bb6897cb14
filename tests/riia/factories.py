import factory
from django.utils.text import slugify

from riia.models import MSP, Agency, LocalAuthority, Membership, Region, Role, SubRegionalGroup, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"person{n}@example.gov.uk")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password("correct-horse-battery")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"Test Region {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    ons_code = factory.Sequence(lambda n: f"E99{n:06d}")
    cool_off_months = 3


class SubRegionalGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubRegionalGroup

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAuthority

    name = factory.Sequence(lambda n: f"Borough {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    old_code = factory.Sequence(lambda n: f"{(n % 900) + 100}")
    new_code = factory.Sequence(lambda n: f"E08{n:06d}")
    region = factory.SubFactory(RegionFactory)


class MSPFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MSP

    name = factory.Sequence(lambda n: f"MSP {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.WORKFORCE_LEAD
    local_authority = factory.SubFactory(LocalAuthorityFactory)


def person_with_role(role: str, organisation, **user_kwargs) -> User:
    """A person holding one current role in an organisation of the right kind."""
    user = UserFactory(**user_kwargs)
    field = {
        **dict.fromkeys(Role.la_roles(), "local_authority"),
        Role.PROGRAMME_MANAGER: "region",
        Role.RIIA_MEMBER: "region",
        Role.SUB_REGIONAL_LEAD: "group",
        Role.MSP_UPLOADER: "msp",
        Role.MSP_VIEWER: "msp",
        Role.AGENCY_CONTACT: "agency",
    }[role]
    extra = {"region": organisation.region} if role == Role.SUB_REGIONAL_LEAD else {}
    Membership.objects.create(user=user, role=role, **{field: organisation}, **extra)
    return user
