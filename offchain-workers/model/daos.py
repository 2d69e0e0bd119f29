"""The DAO each source of the governance-proposal dataset belongs to: the unit of leave-one-DAO-out.

Both releases of `../shared/data/proposals`: the first (README.md: Ethereum, Synthetix, MakerDAO,
Bitcoin) and the second (SECOND-RELEASE.md, "DAO grouping": twelve more). A source that is in
neither is an error that names it, not a silent new DAO: a DAO must be grouped on purpose, or
leave-one-DAO-out would score a DAO on rows of itself.
"""

DAO_OF_SOURCE = {
    # First release.
    "eip": "ethereum",
    "erc": "ethereum",
    "synthetix-sip": "synthetix",
    "synthetix-sccp": "synthetix",
    "synthetix-stp": "synthetix",
    "makerdao": "makerdao",
    "bip": "bitcoin",
    # Second release.
    "avalanche-acp": "avalanche",
    "celestia-cip": "celestia",
    "celo-cgp": "celo",
    "ecip": "ethereum-classic",
    "filecoin-devgrant": "filecoin",
    "filecoin-fip": "filecoin",
    "filecoin-frc": "filecoin",
    "hedera-hip": "hedera",
    "moonwell-mip": "moonwell",
    "polkadot-fastgrants": "polkadot",
    "polkadot-osgrants": "polkadot",
    "w3f-grants": "polkadot",
    "polygon-pip": "polygon",
    "sovryn-sip": "sovryn",
    "stacks-sip": "stacks",
    "starknet-snip": "starknet",
}

# Every DAO, in a fixed order.
DAOS = sorted(set(DAO_OF_SOURCE.values()))


class UnknownSource(ValueError):
    """A row's source is not grouped into a DAO."""


def dao_of(source):
    """The DAO of `source`; `UnknownSource` naming it and the known sources if it has none."""
    try:
        return DAO_OF_SOURCE[source]
    except KeyError:
        raise UnknownSource(
            f"source {source!r} belongs to no DAO: add it to DAO_OF_SOURCE in daos.py "
            f"(known: {', '.join(sorted(DAO_OF_SOURCE))})") from None


def sources_of(dao):
    """The sources of `dao`, sorted."""
    return sorted(s for s, d in DAO_OF_SOURCE.items() if d == dao)
