//! Continuous colour scales for COLOURBYVALUE (project extension).
//!
//! Conventions: a colour is three components in [0, 1], quantised to three decimals
//! ([`Rgb::quantised`]) before it is written, so that `tree.ps` (`r g b setrgbcolor` with
//! `F5.3` components) and `tree.svg` (`rgb(r%,g%,b%)` with one decimal) carry exactly the
//! same colour. Values are mapped linearly from the scale range onto [0, 1] and clamped.

/// An RGB colour, components in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgb(pub f64, pub f64, pub f64);

impl Rgb {
    /// Black.
    pub const BLACK: Rgb = Rgb(0.0, 0.0, 0.0);

    /// Components rounded to three decimals (the precision of both writers).
    pub fn quantised(self) -> Rgb {
        let q = |v: f64| (v.clamp(0.0, 1.0) * 1000.0).round() / 1000.0;
        Rgb(q(self.0), q(self.1), q(self.2))
    }

    /// Components as integers in 0..=1000 (thousandths).
    pub fn thousandths(self) -> [u32; 3] {
        let q = |v: f64| (v.clamp(0.0, 1.0) * 1000.0).round() as u32;
        [q(self.0), q(self.1), q(self.2)]
    }
}

/// The CHOOSECOLOURS colours of TRMIN lists 1–9, in ten-thousandths, as the later Fortran
/// writes them (`F6.4`). Read off the Kinetics TRAP_ENERGY tutorial's `tree.ps`: list k's
/// minima are drawn in colour k (hex ABDAE1, E1C857, 58355E, EC0B43, F49137, 4F7D6B,
/// C6ECAE, 2274A5, 808080; the third's blue is written 0.3682, not 94/255 = 0.3686).
pub const CHOSEN: [[u16; 3]; 9] = [
    [6706, 8549, 8824],
    [8824, 7843, 3412],
    [3451, 2078, 3682],
    [9255, 431, 2627],
    [9569, 5686, 2157],
    [3098, 4902, 4196],
    [7765, 9255, 6824],
    [1333, 4549, 6471],
    [5020, 5020, 5020],
];

/// The CHOOSECOLOURS colour of TRMIN list `k` (1-based), `None` beyond the ninth.
pub fn chosen(k: u32) -> Option<[u16; 3]> {
    CHOSEN.get((k as usize).checked_sub(1)?).copied()
}

/// A continuous colour scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Palette {
    /// Perceptually uniform dark blue → green → yellow (default).
    #[default]
    Viridis,
    /// Perceptually uniform dark blue → magenta → yellow.
    Plasma,
    /// Diverging blue → light grey → red.
    Coolwarm,
    /// Dark blue → cyan → yellow → dark red.
    Jet,
    /// Blue → red, linear.
    Bluered,
}

const VIRIDIS: [[f64; 3]; 9] = [
    [0.267004, 0.004874, 0.329415],
    [0.282623, 0.140926, 0.457517],
    [0.253935, 0.265254, 0.529983],
    [0.206756, 0.371758, 0.553117],
    [0.163625, 0.471133, 0.558148],
    [0.127568, 0.566949, 0.550556],
    [0.134692, 0.658636, 0.517649],
    [0.266941, 0.748751, 0.440573],
    [0.993248, 0.906157, 0.143936],
];

const PLASMA: [[f64; 3]; 9] = [
    [0.050383, 0.029803, 0.527975],
    [0.254627, 0.013882, 0.615419],
    [0.417642, 0.000564, 0.658390],
    [0.562738, 0.051545, 0.641509],
    [0.692840, 0.165141, 0.564522],
    [0.798216, 0.280197, 0.469538],
    [0.881443, 0.392529, 0.383229],
    [0.949217, 0.517763, 0.295662],
    [0.940015, 0.975158, 0.131326],
];

const COOLWARM: [[f64; 3]; 5] = [
    [0.230, 0.299, 0.754],
    [0.552, 0.690, 0.996],
    [0.865, 0.865, 0.865],
    [0.958, 0.604, 0.483],
    [0.706, 0.016, 0.150],
];

const JET: [[f64; 3]; 6] = [
    [0.0, 0.0, 0.5],
    [0.0, 0.0, 1.0],
    [0.0, 1.0, 1.0],
    [1.0, 1.0, 0.0],
    [1.0, 0.0, 0.0],
    [0.5, 0.0, 0.0],
];

const JET_AT: [f64; 6] = [0.0, 0.125, 0.375, 0.625, 0.875, 1.0];

const BLUERED: [[f64; 3]; 2] = [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]];

fn lerp(points: &[[f64; 3]], at: Option<&[f64]>, t: f64) -> Rgb {
    let n = points.len();
    let pos = |k: usize| at.map_or(k as f64 / (n - 1) as f64, |a| a[k]);
    let mut k = 0;
    while k + 2 < n && t > pos(k + 1) {
        k += 1;
    }
    let (t0, t1) = (pos(k), pos(k + 1));
    let u = if t1 > t0 {
        ((t - t0) / (t1 - t0)).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (a, b) = (points[k], points[k + 1]);
    Rgb(
        a[0] + u * (b[0] - a[0]),
        a[1] + u * (b[1] - a[1]),
        a[2] + u * (b[2] - a[2]),
    )
}

impl Palette {
    /// Names accepted by [`Palette::from_name`] (any case).
    pub const NAMES: [&'static str; 5] = ["viridis", "plasma", "coolwarm", "jet", "bluered"];

    /// Look a palette up by name (any case; `rainbow` is `jet`).
    pub fn from_name(name: &str) -> Option<Palette> {
        match name.to_ascii_lowercase().as_str() {
            "viridis" => Some(Palette::Viridis),
            "plasma" => Some(Palette::Plasma),
            "coolwarm" => Some(Palette::Coolwarm),
            "jet" | "rainbow" => Some(Palette::Jet),
            "bluered" => Some(Palette::Bluered),
            _ => None,
        }
    }

    /// The colour at `t` ∈ [0, 1] (clamped), quantised.
    pub fn at(self, t: f64) -> Rgb {
        let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
        let c = match self {
            Palette::Viridis => lerp(&VIRIDIS, None, t),
            Palette::Plasma => lerp(&PLASMA, None, t),
            Palette::Coolwarm => lerp(&COOLWARM, None, t),
            Palette::Jet => lerp(&JET, Some(&JET_AT), t),
            Palette::Bluered => lerp(&BLUERED, None, t),
        };
        c.quantised()
    }
}

/// A palette with its value range: maps values to colours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColourScale {
    /// The colour scale.
    pub palette: Palette,
    /// Value mapped to the low end.
    pub lo: f64,
    /// Value mapped to the high end (> `lo`).
    pub hi: f64,
}

impl ColourScale {
    /// The colour of `v` (clamped to the range).
    pub fn colour(&self, v: f64) -> Rgb {
        self.palette.at((v - self.lo) / (self.hi - self.lo))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_and_clamping() {
        assert_eq!(Palette::Bluered.at(0.0), Rgb(0.0, 0.0, 1.0));
        assert_eq!(Palette::Bluered.at(1.0), Rgb(1.0, 0.0, 0.0));
        assert_eq!(Palette::Bluered.at(0.5), Rgb(0.5, 0.0, 0.5));
        assert_eq!(Palette::Bluered.at(7.0), Rgb(1.0, 0.0, 0.0));
        assert_eq!(Palette::Viridis.at(0.0), Rgb(0.267, 0.005, 0.329));
        assert_eq!(Palette::Jet.at(0.5), Rgb(0.5, 1.0, 0.5));
        for name in Palette::NAMES {
            let p = Palette::from_name(name).unwrap();
            for k in 0..=20 {
                let c = p.at(k as f64 / 20.0);
                assert!([c.0, c.1, c.2].iter().all(|v| (0.0..=1.0).contains(v)));
            }
        }
    }

    #[test]
    fn chosen_colours() {
        assert_eq!(chosen(1), Some([6706, 8549, 8824]));
        assert_eq!(chosen(9), Some([5020, 5020, 5020]));
        assert_eq!(chosen(0), None);
        assert_eq!(chosen(10), None);
    }

    #[test]
    fn scale() {
        let s = ColourScale {
            palette: Palette::Bluered,
            lo: 0.5,
            hi: 1.0,
        };
        assert_eq!(s.colour(0.75), Rgb(0.5, 0.0, 0.5));
        assert_eq!(s.colour(0.0), Rgb(0.0, 0.0, 1.0));
    }
}
