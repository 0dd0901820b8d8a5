//! The facts a probe reports: the contract the CLI prints as JSON and the rules crate reads.

use serde::Serialize;

/// The result of a successful probe.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Probe {
    /// What the file is.
    pub facts: MediaFacts,
    /// How many bytes of the source were read (consumed) to know it.
    pub bytes_read: u64,
}

/// What a file is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MediaFacts {
    /// A still image.
    Image(ImageFacts),
    /// An ISO-BMFF movie (MP4, MOV, M4V, 3GP).
    Video(VideoFacts),
    /// A container we recognise but do not read: rules reject it by name.
    Unsupported {
        /// Which container.
        container: ContainerKind,
    },
    /// No signature we know.
    Unknown,
}

/// Recognised containers without further facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContainerKind {
    /// Matroska (`.mkv`), EBML doc type `matroska`.
    Matroska,
    /// WebM, EBML doc type `webm`.
    #[serde(rename = "webm")]
    WebM,
    /// RIFF AVI.
    Avi,
    /// Flash Video.
    Flv,
    /// MPEG transport stream (188-byte packets, or 192-byte M2TS).
    MpegTs,
    /// Ogg (Theora, Vorbis, Opus...).
    Ogg,
}

/// Still image formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImageFormat {
    /// Plain JPEG (JFIF/EXIF), baseline or progressive.
    Jpeg,
    /// Multi-picture JPEG (MPO, an APP2 `MPF` segment): not plain JPEG for Instagram.
    Mpo,
    /// PNG (APNG included).
    Png,
    /// GIF.
    Gif,
    /// WebP (lossy, lossless or extended).
    Webp,
    /// HEIF with an HEVC-coded primary image.
    Heic,
    /// HEIF with another or unknown primary image coding.
    Heif,
    /// AVIF (HEIF with an AV1-coded primary image).
    Avif,
    /// Windows bitmap.
    Bmp,
    /// TIFF.
    Tiff,
}

/// Facts about a still image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageFacts {
    /// The format.
    pub format: ImageFormat,
    /// Stored pixel width.
    pub width: u32,
    /// Stored pixel height.
    pub height: u32,
    /// EXIF orientation 1..=8 (1 when absent or invalid).
    pub orientation: u8,
    /// Width as displayed, after the orientation.
    pub display_width: u32,
    /// Height as displayed, after the orientation.
    pub display_height: u32,
    /// Progressive (JPEG) or interlaced (PNG Adam7); `None` where the format has no such notion.
    pub progressive: Option<bool>,
    /// Colour information where cheap to know.
    pub colour: Option<Colour>,
}

impl ImageFacts {
    /// Build facts, deriving the display size from the orientation (5..=8 swap axes).
    pub(crate) fn new(format: ImageFormat, width: u32, height: u32, orientation: u8) -> Self {
        let orientation = if (1..=8).contains(&orientation) {
            orientation
        } else {
            1
        };
        let (display_width, display_height) = if orientation >= 5 {
            (height, width)
        } else {
            (width, height)
        };
        ImageFacts {
            format,
            width,
            height,
            orientation,
            display_width,
            display_height,
            progressive: None,
            colour: None,
        }
    }
}

/// Colour information.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Colour {
    /// The stored colour model.
    pub model: ColourModel,
    /// An embedded ICC profile is present.
    pub icc_profile: bool,
    /// The embedded ICC profile is Adobe RGB (1998).
    pub adobe_rgb: bool,
}

/// The stored colour model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColourModel {
    /// Greyscale.
    Grayscale,
    /// RGB (or YCbCr for JPEG, which decodes to RGB).
    Rgb,
    /// YCbCr (JPEG, TIFF, WebP lossy, HEIF).
    #[serde(rename = "ycbcr")]
    YCbCr,
    /// Palette-indexed.
    Indexed,
    /// CMYK (print; Instagram and browsers render it badly).
    Cmyk,
    /// Adobe YCCK (a CMYK JPEG transform).
    Ycck,
    /// Something else.
    Other,
}

/// ISO-BMFF flavour, from the major brand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VideoContainer {
    /// MPEG-4 (`isom`, `mp41`, `mp42`, `avc1`, ...).
    Mp4,
    /// QuickTime (`qt  `, or no `ftyp`).
    Mov,
    /// Apple M4V (`M4V `, `M4VH`, `M4VP`).
    M4v,
    /// 3GPP / 3GPP2 (`3gp*`, `3g2*`).
    #[serde(rename = "3gp")]
    ThreeGp,
    /// Matroska (EBML doc type `matroska`): read for its facts, not taken by Instagram.
    Matroska,
    /// WebM (EBML doc type `webm`): read for its facts, not taken by Instagram.
    #[serde(rename = "webm")]
    WebM,
    /// RIFF AVI: read for its facts, not taken by Instagram.
    Avi,
}

/// Video codecs, from the sample entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VideoCodec {
    /// H.264 / AVC (`avc1`, `avc3`).
    H264,
    /// H.265 / HEVC (`hvc1`, `hev1`).
    Hevc,
    /// AV1 (`av01`).
    Av1,
    /// VP9 (`vp09`).
    Vp9,
    /// VP8 (`vp08`).
    Vp8,
    /// MPEG-4 Part 2 (`mp4v` with object type 0x20).
    Mpeg4Part2,
    /// MPEG-1/2 video (`mp4v` with object types 0x60..0x6A).
    Mpeg2,
    /// H.263 (`s263`, `h263`).
    H263,
    /// Apple ProRes (`apch`, `apcn`, ...).
    ProRes,
    /// Motion JPEG (`jpeg`, `mjpa`, `mjpb`, `mp4v` 0x6C).
    Mjpeg,
    /// Anything else, by sample entry four-character code.
    Other(String),
}

/// Audio codecs, from the sample entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AudioCodec {
    /// AAC (`mp4a` with object type 0x40 or 0x66..0x68).
    Aac,
    /// MP3 (`mp4a` 0x69/0x6B, `.mp3`).
    Mp3,
    /// AC-3 (`ac-3`).
    Ac3,
    /// E-AC-3 (`ec-3`).
    Eac3,
    /// Opus (`Opus`).
    Opus,
    /// FLAC (`fLaC`).
    Flac,
    /// Apple Lossless (`alac`).
    Alac,
    /// AMR narrow band (`samr`).
    AmrNb,
    /// AMR wide band (`sawb`).
    AmrWb,
    /// Linear PCM (`lpcm`, `sowt`, `twos`, `ipcm`, ...).
    Pcm,
    /// Anything else, by sample entry four-character code.
    Other(String),
}

/// The first audio track.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AudioFacts {
    /// Codec.
    pub codec: AudioCodec,
    /// The sample entry's four-character code (`mp4a`, `Opus`...).
    pub codec_tag: String,
    /// Sample rate in Hz.
    pub sample_rate: Option<u32>,
    /// Channel count (for AAC from the AudioSpecificConfig; MP4 sample entries written by
    /// ffmpeg always say 2, so for other codecs in `mp4a` it may overstate a mono track).
    pub channels: Option<u16>,
}

/// Facts about a movie: an ISO-BMFF file (MP4, MOV, M4V, 3GP), or a Matroska, WebM or AVI
/// file (whose ISO-BMFF-only fields are empty).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VideoFacts {
    /// MP4, MOV, M4V or 3GP.
    pub container: VideoContainer,
    /// The `ftyp` major brand (empty when there is no `ftyp`).
    pub major_brand: String,
    /// Duration in milliseconds (movie header, else the longest track).
    pub duration_ms: Option<u64>,
    /// Coded width of the first video track (0 when there is no video track).
    pub width: u32,
    /// Coded height of the first video track (0 when there is no video track).
    pub height: u32,
    /// Displayed width: track header size, after the rotation.
    pub display_width: u32,
    /// Displayed height: track header size, after the rotation.
    pub display_height: u32,
    /// Clockwise rotation from the track matrix: 0, 90, 180 or 270.
    pub rotation_degrees: u16,
    /// Video codec of the first video track.
    pub video_codec: Option<VideoCodec>,
    /// The video sample entry's four-character code (`avc1`, `hvc1`...).
    pub video_codec_tag: Option<String>,
    /// Average frame rate (samples / track duration).
    pub frame_rate: Option<f64>,
    /// The first audio track.
    pub audio: Option<AudioFacts>,
    /// `Some(true)` when `moov` precedes `mdat` (fast start), `Some(false)` when it follows,
    /// `None` when no `mdat` was seen around it.
    pub moov_before_mdat: Option<bool>,
    /// Some track has an edit list (`elst`) with entries.
    pub has_edit_list: bool,
    /// Fragmented MP4 (`mvex` in `moov`).
    pub fragmented: bool,
}

impl VideoFacts {
    /// Facts of a `container` file before any track is read: no size, codec or duration.
    pub fn empty(container: VideoContainer) -> VideoFacts {
        VideoFacts {
            container,
            major_brand: String::new(),
            duration_ms: None,
            width: 0,
            height: 0,
            display_width: 0,
            display_height: 0,
            rotation_degrees: 0,
            video_codec: None,
            video_codec_tag: None,
            frame_rate: None,
            audio: None,
            moov_before_mdat: None,
            has_edit_list: false,
            fragmented: false,
        }
    }
}

// ---- names for people ------------------------------------------------------------------------

impl ImageFormat {
    /// How people write the format: `JPEG`, `PNG`, `HEIC`...
    pub fn name(&self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "JPEG",
            ImageFormat::Mpo => "MPO (multi-picture JPEG)",
            ImageFormat::Png => "PNG",
            ImageFormat::Gif => "GIF",
            ImageFormat::Webp => "WebP",
            ImageFormat::Heic => "HEIC",
            ImageFormat::Heif => "HEIF",
            ImageFormat::Avif => "AVIF",
            ImageFormat::Bmp => "BMP",
            ImageFormat::Tiff => "TIFF",
        }
    }
}

impl VideoContainer {
    /// How people write the container: `MP4`, `MOV`, `M4V`, `3GP`.
    pub fn name(&self) -> &'static str {
        match self {
            VideoContainer::Mp4 => "MP4",
            VideoContainer::Mov => "MOV",
            VideoContainer::M4v => "M4V",
            VideoContainer::ThreeGp => "3GP",
            VideoContainer::Matroska => "Matroska (MKV)",
            VideoContainer::WebM => "WebM",
            VideoContainer::Avi => "AVI",
        }
    }
}

impl ContainerKind {
    /// How people write the container.
    pub fn name(&self) -> &'static str {
        match self {
            ContainerKind::Matroska => "Matroska (MKV)",
            ContainerKind::WebM => "WebM",
            ContainerKind::Avi => "AVI",
            ContainerKind::Flv => "FLV",
            ContainerKind::MpegTs => "MPEG-TS",
            ContainerKind::Ogg => "Ogg",
        }
    }
}

impl VideoCodec {
    /// How people write the codec: `H.264`, `HEVC`, `AV1`... (the sample entry's code for
    /// others).
    pub fn name(&self) -> String {
        match self {
            VideoCodec::H264 => "H.264".into(),
            VideoCodec::Hevc => "HEVC".into(),
            VideoCodec::Av1 => "AV1".into(),
            VideoCodec::Vp9 => "VP9".into(),
            VideoCodec::Vp8 => "VP8".into(),
            VideoCodec::Mpeg4Part2 => "MPEG-4 Part 2".into(),
            VideoCodec::Mpeg2 => "MPEG-2".into(),
            VideoCodec::H263 => "H.263".into(),
            VideoCodec::ProRes => "ProRes".into(),
            VideoCodec::Mjpeg => "Motion JPEG".into(),
            VideoCodec::Other(tag) => format!("'{tag}'"),
        }
    }
}

impl AudioCodec {
    /// How people write the codec: `AAC`, `MP3`, `Opus`...
    pub fn name(&self) -> String {
        match self {
            AudioCodec::Aac => "AAC".into(),
            AudioCodec::Mp3 => "MP3".into(),
            AudioCodec::Ac3 => "AC-3".into(),
            AudioCodec::Eac3 => "E-AC-3".into(),
            AudioCodec::Opus => "Opus".into(),
            AudioCodec::Flac => "FLAC".into(),
            AudioCodec::Alac => "ALAC".into(),
            AudioCodec::AmrNb => "AMR-NB".into(),
            AudioCodec::AmrWb => "AMR-WB".into(),
            AudioCodec::Pcm => "PCM".into(),
            AudioCodec::Other(tag) => format!("'{tag}'"),
        }
    }
}

impl std::fmt::Display for MediaFacts {
    /// One line for people: `MP4 video, 1080×1920, 15.0 s, H.264, 30 fps, AAC audio`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MediaFacts::Image(i) => {
                write!(
                    f,
                    "{} image, {}×{}",
                    i.format.name(),
                    i.display_width,
                    i.display_height
                )?;
                if i.orientation > 1 {
                    write!(f, " (rotated by EXIF orientation {})", i.orientation)?;
                }
                Ok(())
            }
            MediaFacts::Video(v) => {
                write!(
                    f,
                    "{} video, {}×{}",
                    v.container.name(),
                    v.display_width,
                    v.display_height
                )?;
                if let Some(ms) = v.duration_ms {
                    write!(f, ", {:.1} s", ms as f64 / 1000.0)?;
                }
                match &v.video_codec {
                    Some(c) => write!(f, ", {}", c.name())?,
                    None => write!(f, ", no video track")?,
                }
                if let Some(fps) = v.frame_rate {
                    write!(f, ", {} fps", (fps * 100.0).round() / 100.0)?;
                }
                match &v.audio {
                    Some(a) => write!(f, ", {} audio", a.codec.name()),
                    None => write!(f, ", no audio"),
                }
            }
            MediaFacts::Unsupported { container } => write!(f, "{} file", container.name()),
            MediaFacts::Unknown => write!(f, "not a format Instagram takes"),
        }
    }
}
