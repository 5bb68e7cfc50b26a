//! Catalog facts read as one text value (a JSON document) through read-only SPI: no
//! transaction ID, so it works on a hot standby.

use pgrx::datum::DatumWithOid;
use pgrx::prelude::*;

/// The single text value `sql` returns (empty when it returns NULL). An SPI failure is an
/// ERROR: a catalog read that silently came back empty would make every answer wrong.
pub fn read(sql: &str, args: &[DatumWithOid]) -> String {
    Spi::connect(|client| client.select(sql, None, args)?.first().get_one::<String>())
        .unwrap_or_else(|error| pgrx::error!("confiture could not read the catalog: {error}"))
        .unwrap_or_default()
}
