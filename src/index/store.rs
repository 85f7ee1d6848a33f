//! The index file: a 16-byte header (magic, format version) and the rkyv
//! archive of [`IndexData`], validated once on load and then read in place.

use std::fmt;
use std::path::Path;
use std::sync::{LazyLock, OnceLock};

use rkyv::rancor;
use rkyv::util::AlignedVec;

use super::model::{ArchivedIndexData, IndexData};
use super::tables::RuleTables;

pub const MAGIC: [u8; 8] = *b"SGLXIDX\0";
/// Bump on any change to the model or the normalization rules.
pub const FORMAT_VERSION: u32 = 4;
/// Magic, version (u32 LE), 4 reserved bytes: keeps the archive 16-aligned.
const HEADER_LEN: usize = 16;

/// 16-aligned, so the archive after the 16-byte header is read where it lies.
#[repr(C, align(16))]
struct Aligned<Bytes: ?Sized>(Bytes);

static EMBEDDED_FILE: &Aligned<[u8]> = &Aligned(*include_bytes!("../../corpus-index/index.rkyv"));

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexError {
    Io(String),
    NotAnIndex,
    WrongVersion { found: u32 },
    Corrupt(String),
}

impl fmt::Display for IndexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IndexError::Io(message) => write!(f, "cannot read the corpus index: {message}"),
            IndexError::NotAnIndex => write!(f, "not a sigmalens corpus index (bad header)"),
            IndexError::WrongVersion { found } => write!(
                f,
                "corpus index format version {found}, this sigmalens reads version \
                 {FORMAT_VERSION}: rebuild it with `sigmalens index build`"
            ),
            IndexError::Corrupt(message) => write!(f, "corrupt corpus index: {message}"),
        }
    }
}

impl std::error::Error for IndexError {}

/// The archive's bytes: a loaded file's aligned copy, or the embedded file.
enum Archive {
    Copied(AlignedVec),
    Embedded(&'static [u8]),
}

impl Archive {
    fn bytes(&self) -> &[u8] {
        match self {
            Archive::Copied(bytes) => bytes,
            Archive::Embedded(bytes) => bytes,
        }
    }
}

/// A validated index, read in place.
pub struct Index {
    archive: Archive,
    tables: OnceLock<RuleTables>,
}

impl fmt::Debug for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Index({} bytes)", self.archive.bytes().len())
    }
}

impl Index {
    /// Checks the header and validates the archive.
    pub fn from_bytes(file: &[u8]) -> Result<Index, IndexError> {
        let archive = archive_of(file)?;
        // One copy into aligned memory: the file's bytes may sit anywhere.
        let mut copy = AlignedVec::with_capacity(archive.len());
        copy.extend_from_slice(archive);
        Index::validated(Archive::Copied(copy))
    }

    /// The embedded file is aligned already: validated, not copied.
    fn from_static(file: &'static [u8]) -> Result<Index, IndexError> {
        Index::validated(Archive::Embedded(archive_of(file)?))
    }

    fn validated(archive: Archive) -> Result<Index, IndexError> {
        rkyv::access::<ArchivedIndexData, rancor::Error>(archive.bytes())
            .map_err(|e| IndexError::Corrupt(e.to_string()))?;
        Ok(Index {
            archive,
            tables: OnceLock::new(),
        })
    }

    pub fn load(path: &Path) -> Result<Index, IndexError> {
        let file =
            std::fs::read(path).map_err(|e| IndexError::Io(format!("{}: {e}", path.display())))?;
        Index::from_bytes(&file)
    }

    /// The index built into the binary, validated on first use.
    pub fn embedded() -> Result<&'static Index, IndexError> {
        static EMBEDDED: LazyLock<Result<Index, IndexError>> =
            LazyLock::new(|| Index::from_static(&EMBEDDED_FILE.0));
        EMBEDDED.as_ref().map_err(Clone::clone)
    }

    pub fn data(&self) -> &ArchivedIndexData {
        // SAFETY: `from_bytes`, the only constructor, validated these bytes
        // with `rkyv::access`, and they are never changed afterwards.
        unsafe { rkyv::access_unchecked::<ArchivedIndexData>(self.archive.bytes()) }
    }
}

impl Index {
    /// Tests per rule, computed on first use.
    pub fn tables(&self) -> &RuleTables {
        self.tables.get_or_init(|| RuleTables::new(self.data()))
    }

    /// The tables if they are built already: for answers that may do
    /// without them rather than wait.
    pub fn tables_if_built(&self) -> Option<&RuleTables> {
        self.tables.get()
    }
}

/// The archive after a valid header.
fn archive_of(file: &[u8]) -> Result<&[u8], IndexError> {
    let header = file.get(..HEADER_LEN).ok_or(IndexError::NotAnIndex)?;
    if header[..8] != MAGIC {
        return Err(IndexError::NotAnIndex);
    }
    let found = u32::from_le_bytes(header[8..12].try_into().expect("4 bytes"));
    if found != FORMAT_VERSION {
        return Err(IndexError::WrongVersion { found });
    }
    Ok(&file[HEADER_LEN..])
}

/// The file bytes for an index: header, then the archive.
pub fn encode(data: &IndexData) -> Vec<u8> {
    let archive = rkyv::to_bytes::<rancor::Error>(data).expect("index data always serializes");
    let mut file = Vec::with_capacity(HEADER_LEN + archive.len());
    file.extend_from_slice(&MAGIC);
    file.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    file.extend_from_slice(&[0; 4]);
    file.extend_from_slice(&archive);
    file
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_bad_files() {
        let data = IndexData {
            vendors: vec!["sigma".into()],
            ..IndexData::default()
        };
        let file = encode(&data);
        let index = Index::from_bytes(&file).unwrap();
        assert_eq!(index.data().vendors[0].as_str(), "sigma");

        assert_eq!(
            Index::from_bytes(b"short").unwrap_err(),
            IndexError::NotAnIndex
        );
        let mut wrong_version = file.clone();
        wrong_version[8] = 99;
        assert_eq!(
            Index::from_bytes(&wrong_version).unwrap_err(),
            IndexError::WrongVersion { found: 99 }
        );
        let truncated = &file[..file.len() - 3];
        assert!(matches!(
            Index::from_bytes(truncated),
            Err(IndexError::Corrupt(_))
        ));
        let mut scrambled = file.clone();
        for byte in &mut scrambled[HEADER_LEN..] {
            *byte = byte.wrapping_mul(31).wrapping_add(7);
        }
        assert!(matches!(
            Index::from_bytes(&scrambled),
            Err(IndexError::Corrupt(_))
        ));
    }
}
