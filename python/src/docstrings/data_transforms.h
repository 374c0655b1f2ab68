// Docstrings of the image transforms bound in bind_transforms.cpp (striate.data.transforms;
// Google style, torchvision's names and arguments; the examples run as doctests).
#pragma once

namespace striate::python::docstrings {

inline constexpr const char* kTransform = R"doc(Base class of the C++ image transforms: ``transform(image) -> image``.

Images are tensors (C, H, W) or batches (N, C, H, W), uint8 or float; a batch shares one draw
of the random parameters. Called from Python, a transform also takes a PIL image or an HWC
NumPy array. Random draws come from the augmentation generator (``striate.manual_seed`` fixes
direct calls; the DataLoader seeds it per example).

Example:
    >>> import striate.data.transforms as T
    >>> flip = T.RandomHorizontalFlip(p=1.0)
    >>> isinstance(flip, T.Transform)
    True
    >>> flip(st.tensor([[[0.0, 1.0, 2.0]]]))
    tensor([[[2., 1., 0.]]])
    >>> flip(st.zeros(8, 1, 4, 4)).shape
    striate.Size([8, 1, 4, 4])
)doc";

inline constexpr const char* kNormalize = R"doc(Normalizes each channel: ``out[c] = (image[c] - mean[c]) / std[c]``.

Args:
    mean (sequence of floats): One mean per channel.
    std (sequence of floats): One standard deviation per channel (non-zero).
    inplace (bool): Write into the input tensor. Default: False.

Shape:
    - Input: (C, H, W) or (N, C, H, W), floating point.
    - Output: the same.

Raises:
    ValueError: ``mean``/``std`` lengths differ from C, or a std is zero.

Example:
    >>> import striate.data.transforms as T
    >>> T.Normalize((0.5,), (0.25,))(st.ones(1, 2, 2))
    tensor([[[2., 2.],
             [2., 2.]]])
)doc";

inline constexpr const char* kRandomHorizontalFlip = R"doc(Flips the image left-right with probability ``p``.

Args:
    p (float): The probability of a flip. Default: 0.5.

Example:
    >>> import striate.data.transforms as T
    >>> T.RandomHorizontalFlip(p=1.0)(st.tensor([[[1., 2.]]]))
    tensor([[[2., 1.]]])
)doc";

inline constexpr const char* kRandomVerticalFlip = R"doc(Flips the image upside down with probability ``p``.

Args:
    p (float): The probability of a flip. Default: 0.5.

Example:
    >>> import striate.data.transforms as T
    >>> T.RandomVerticalFlip(p=1.0)(st.tensor([[[1.], [2.]]]))
    tensor([[[2.],
             [1.]]])
)doc";

inline constexpr const char* kRandomCrop =
    R"doc(Crops a random ``size`` window, after optional padding (the CIFAR augmentation).

Args:
    size (int or (int, int)): The crop's (h, w); an int gives a square.
    padding (int or sequence of ints, optional): Padding added first: one value for all
        sides, (left/right, top/bottom) or (left, top, right, bottom). Default: None.
    pad_if_needed (bool): Pad an image smaller than ``size`` up to it. Default: False.
    fill (number or sequence): The fill of ``'constant'`` padding. Default: 0.
    padding_mode (str): ``'constant'``, ``'edge'``, ``'reflect'`` or ``'symmetric'``.
        Default: ``'constant'``.

Raises:
    ValueError: The crop is larger than the (padded) image.

Example:
    >>> import striate.data.transforms as T
    >>> T.RandomCrop(32, padding=4)(st.rand(3, 32, 32)).shape
    striate.Size([3, 32, 32])
)doc";

inline constexpr const char* kRandomCropGetParams =
    R"doc(Draws a crop box ``(top, left, height, width)`` of ``output_size`` inside ``img``.

Args:
    img (Tensor): The image (its last two dimensions are H, W).
    output_size ((int, int)): The crop's (h, w).

Returns:
    tuple: ``(top, left, height, width)``.

Example:
    >>> import striate.data.transforms as T
    >>> T.RandomCrop.get_params(st.zeros(3, 8, 8), (4, 4))[2:]
    (4, 4)
)doc";

inline constexpr const char* kCenterCrop = R"doc(Crops the central ``size`` window.

Args:
    size (int or (int, int)): The crop's (h, w); an int gives a square.

Example:
    >>> import striate.data.transforms as T
    >>> T.CenterCrop(1)(st.arange(9.).view(1, 3, 3))
    tensor([[[4.]]])
)doc";

inline constexpr const char* kResize = R"doc(Resizes the image to ``size``.

Args:
    size (int or (int, int)): (h, w), or an int: the smaller edge becomes ``size`` and the
        aspect ratio is kept.
    interpolation (str or InterpolationMode): ``'bilinear'`` or ``'nearest'``.
        Default: ``'bilinear'``.
    max_size (int, optional): Cap on the longer edge when ``size`` is an int. Default: None.
    antialias (bool): Low-pass filter when downsampling. Default: False.

Example:
    >>> import striate.data.transforms as T
    >>> T.Resize(16)(st.rand(3, 8, 12)).shape
    striate.Size([3, 16, 24])
)doc";

inline constexpr const char* kRandomResizedCrop =
    R"doc(Crops a random area and aspect ratio, then resizes it to ``size`` (the ImageNet augmentation).

The crop's area is a fraction in ``scale`` of the image's and its aspect ratio is drawn
log-uniformly from ``ratio``; after 10 failed draws it falls back to a central crop.

Args:
    size (int or (int, int)): The output (h, w).
    scale ((float, float)): Range of the crop's area fraction. Default: (0.08, 1.0).
    ratio ((float, float)): Range of the aspect ratio w/h. Default: (3/4, 4/3).
    interpolation (str or InterpolationMode): ``'bilinear'`` or ``'nearest'``.
        Default: ``'bilinear'``.
    antialias (bool): Low-pass filter when downsampling. Default: False.

Example:
    >>> import striate.data.transforms as T
    >>> T.RandomResizedCrop(4)(st.rand(3, 8, 8)).shape
    striate.Size([3, 4, 4])
)doc";

inline constexpr const char* kRandomResizedCropGetParams =
    R"doc(Draws the crop box ``(top, left, height, width)`` of :class:`RandomResizedCrop`.

Args:
    img (Tensor): The image.
    scale ((float, float)): Range of the crop's area fraction.
    ratio ((float, float)): Range of the aspect ratio.

Returns:
    tuple: ``(top, left, height, width)``.

Example:
    >>> import striate.data.transforms as T
    >>> len(T.RandomResizedCrop.get_params(st.zeros(3, 8, 8), (0.08, 1.0), (0.75, 1.33)))
    4
)doc";

inline constexpr const char* kRandomRotation = R"doc(Rotates the image by an angle drawn uniformly from ``degrees``.

Args:
    degrees (number or (number, number)): The range (-d, d) for a number d, else (min, max).
    interpolation (str or InterpolationMode): ``'nearest'`` or ``'bilinear'``.
        Default: ``'nearest'``.
    expand (bool): Enlarge the output to hold the whole rotated image. Default: False.
    center ((float, float), optional): The rotation center (x, y). Default: None (the middle).
    fill (number or sequence): The value of pixels outside the image. Default: 0.

Example:
    >>> import striate.data.transforms as T
    >>> T.RandomRotation(30)(st.rand(3, 8, 8)).shape
    striate.Size([3, 8, 8])
)doc";

inline constexpr const char* kRandomRotationGetParams =
    R"doc(Draws the angle of :class:`RandomRotation`, uniform in ``degrees``.

Args:
    degrees ((float, float)): The range.

Returns:
    float: The angle in degrees.

Example:
    >>> import striate.data.transforms as T
    >>> -30 <= T.RandomRotation.get_params((-30, 30)) <= 30
    True
)doc";

inline constexpr const char* kRandomAffine =
    R"doc(A random affine map: rotation, translation, scale and shear drawn from the given ranges.

Args:
    degrees (number or (number, number)): The rotation range ((-d, d) for a number).
    translate ((float, float), optional): Maximal shifts as fractions of width and height.
        Default: None (no shift).
    scale ((float, float), optional): The scale range. Default: None (1).
    shear (number or sequence, optional): The shear range(s) in degrees. Default: None.
    interpolation (str or InterpolationMode): ``'nearest'`` or ``'bilinear'``.
        Default: ``'nearest'``.
    fill (number or sequence): The value of pixels outside the image. Default: 0.
    center ((float, float), optional): The center (x, y). Default: None (the middle).

Example:
    >>> import striate.data.transforms as T
    >>> T.RandomAffine(10, translate=(0.1, 0.1))(st.rand(3, 8, 8)).shape
    striate.Size([3, 8, 8])
)doc";

inline constexpr const char* kRandomAffineGetParams = R"doc(Draws the parameters of :class:`RandomAffine`.

Args:
    degrees ((float, float)): The rotation range.
    translate ((float, float) or None): Maximal shifts as fractions.
    scale_ranges ((float, float) or None): The scale range.
    shears (sequence or None): The shear range(s).
    img_size ((int, int)): The image's (width, height).

Returns:
    tuple: ``(angle, (translate_x, translate_y), scale, (shear_x, shear_y))``.

Example:
    >>> import striate.data.transforms as T
    >>> angle, shift, scale, shear = T.RandomAffine.get_params((-10, 10), None, None, None, (8, 8))
    >>> shift, scale
    ((0, 0), 1.0)
)doc";

inline constexpr const char* kColorJitter =
    R"doc(Randomly changes brightness, contrast, saturation and hue, in a random order.

Each factor is drawn uniformly from ``[max(0, 1 - v), 1 + v]`` for a number v (or from the
given (min, max)); the hue shift from ``[-hue, hue]`` with ``hue <= 0.5``.

Args:
    brightness (float or (float, float)): Default: 0 (unchanged).
    contrast (float or (float, float)): Default: 0.
    saturation (float or (float, float)): Default: 0.
    hue (float or (float, float)): Default: 0.

Raises:
    ValueError: A negative value, or a hue above 0.5.

Example:
    >>> import striate.data.transforms as T
    >>> T.ColorJitter(0.4, 0.4, 0.4, 0.1)(st.rand(3, 8, 8)).shape
    striate.Size([3, 8, 8])
)doc";

inline constexpr const char* kColorJitterGetParams = R"doc(Draws the order and factors of :class:`ColorJitter`.

Args:
    brightness ((float, float) or None): The range, or None to skip.
    contrast ((float, float) or None): The range, or None to skip.
    saturation ((float, float) or None): The range, or None to skip.
    hue ((float, float) or None): The range, or None to skip.

Returns:
    tuple: ``(order, brightness, contrast, saturation, hue)``; order is a permutation of
    0..3 and a skipped factor is None.

Example:
    >>> import striate.data.transforms as T
    >>> order, b, c, s, h = T.ColorJitter.get_params((0.6, 1.4), None, None, None)
    >>> sorted(order), 0.6 <= b <= 1.4, c
    ([0, 1, 2, 3], True, None)
)doc";

inline constexpr const char* kPCALighting =
    R"doc(AlexNet's lighting noise: adds ``eigvec @ (alpha * eigval)`` to every pixel, ``alpha ~ N(0, alphastd)``.

Args:
    alphastd (float): The standard deviation of alpha. Default: 0.1.
    eigval (sequence of 3 floats): The RGB covariance's eigenvalues. Default: ImageNet's.
    eigvec (3x3 nested sequence): Its eigenvectors as columns. Default: ImageNet's.

Example:
    >>> import striate.data.transforms as T
    >>> T.PCALighting()(st.rand(3, 4, 4)).shape
    striate.Size([3, 4, 4])
)doc";

inline constexpr const char* kRandomErasing =
    R"doc(With probability ``p``, erases a random rectangle (Zhong et al. 2017).

Args:
    p (float): The probability of erasing. Default: 0.5.
    scale ((float, float)): Range of the rectangle's area fraction. Default: (0.02, 0.33).
    ratio ((float, float)): Range of its aspect ratio. Default: (0.3, 3.3).
    value (number, sequence or 'random'): The fill; ``'random'`` draws N(0, 1) noise.
        Default: 0.
    inplace (bool): Write into the input tensor. Default: False.

Raises:
    ValueError: ``value`` is a string other than ``'random'``.

Example:
    >>> import striate.data.transforms as T
    >>> T.RandomErasing(p=1.0)(st.ones(3, 8, 8)).min()
    tensor(0.)
)doc";

inline constexpr const char* kRandomErasingGetParams =
    R"doc(Draws the box ``(top, left, height, width)`` of :class:`RandomErasing` (the whole image after 10 failed draws).

Args:
    img (Tensor): The image.
    scale ((float, float)): Range of the area fraction.
    ratio ((float, float)): Range of the aspect ratio.

Returns:
    tuple: ``(top, left, height, width)``.

Example:
    >>> import striate.data.transforms as T
    >>> len(T.RandomErasing.get_params(st.zeros(3, 8, 8), (0.02, 0.33), (0.3, 3.3)))
    4
)doc";

inline constexpr const char* kCutout =
    R"doc(Zeroes a ``size`` x ``size`` square at a random center, clipped at the borders (DeVries & Taylor 2017).

Args:
    size (int): The square's side.

Example:
    >>> import striate.data.transforms as T
    >>> T.Cutout(4)(st.ones(3, 8, 8)).min()
    tensor(0.)
)doc";

inline constexpr const char* kFiveCrop =
    R"doc(The four corner crops and the center crop, stacked: (5, C, h, w) (or (N, 5, C, h, w)).

Args:
    size (int or (int, int)): The crops' (h, w).

Example:
    >>> import striate.data.transforms as T
    >>> T.FiveCrop(4)(st.rand(3, 8, 8)).shape
    striate.Size([5, 3, 4, 4])
)doc";

inline constexpr const char* kTenCrop = R"doc(:class:`FiveCrop` of the image and of its flip, stacked: (10, C, h, w).

Args:
    size (int or (int, int)): The crops' (h, w).
    vertical_flip (bool): Flip upside down instead of left-right. Default: False.

Example:
    >>> import striate.data.transforms as T
    >>> T.TenCrop(4)(st.rand(3, 8, 8)).shape
    striate.Size([10, 3, 4, 4])
)doc";

inline constexpr const char* kMixup =
    R"doc(Mixup on a batch (Zhang et al. 2018): ``x = lam * x + (1 - lam) * x[perm]``, targets alike.

``lam ~ Beta(alpha, alpha)``; the targets become one-hot rows mixed with the same ``lam``.
Call it on a batch: ``images, targets = mixup(images, labels)``.

Args:
    alpha (float): The Beta distribution's parameter. Default: 1.0.
    num_classes (int): The width of the soft targets (required).

Raises:
    ValueError: ``num_classes`` is missing.
    TypeError: ``labels`` is not a Tensor.

Example:
    >>> import striate.data.transforms as T
    >>> images, targets = T.Mixup(alpha=0.2, num_classes=10)(st.rand(4, 3, 8, 8), st.arange(4))
    >>> targets.shape
    striate.Size([4, 10])
)doc";

inline constexpr const char* kCutMix =
    R"doc(CutMix on a batch (Yun et al. 2019): pastes a box of a shuffled batch into each image.

``lam ~ Beta(alpha, alpha)`` sets the box's area ``(1 - lam)``; the one-hot targets mix
by the area actually pasted. Call it on a batch: ``images, targets = cutmix(images, labels)``.

Args:
    alpha (float): The Beta distribution's parameter. Default: 1.0.
    num_classes (int): The width of the soft targets (required).

Raises:
    ValueError: ``num_classes`` is missing.

Example:
    >>> import striate.data.transforms as T
    >>> images, targets = T.CutMix(num_classes=10)(st.rand(4, 3, 8, 8), st.arange(4))
    >>> images.shape, targets.shape
    (striate.Size([4, 3, 8, 8]), striate.Size([4, 10]))
)doc";

inline constexpr const char* kPad = R"doc(Pads the image's borders.

Args:
    padding (int or sequence of ints): One value for all sides, (left/right, top/bottom) or
        (left, top, right, bottom).
    fill (number or sequence): The fill of ``'constant'`` padding. Default: 0.
    padding_mode (str): ``'constant'``, ``'edge'``, ``'reflect'`` or ``'symmetric'``.
        Default: ``'constant'``.

Example:
    >>> import striate.data.transforms as T
    >>> T.Pad(2)(st.rand(3, 8, 8)).shape
    striate.Size([3, 12, 12])
)doc";

inline constexpr const char* kGrayscale =
    R"doc(Converts RGB to gray: ``0.299 R + 0.587 G + 0.114 B``, repeated on the output channels.

Args:
    num_output_channels (int): 1 or 3. Default: 1.

Example:
    >>> import striate.data.transforms as T
    >>> T.Grayscale()(st.rand(3, 8, 8)).shape
    striate.Size([1, 8, 8])
)doc";

inline constexpr const char* kRandomGrayscale =
    R"doc(With probability ``p``, converts to gray keeping the channel count.

Args:
    p (float): The probability. Default: 0.1.

Example:
    >>> import striate.data.transforms as T
    >>> T.RandomGrayscale(p=1.0)(st.rand(3, 8, 8)).shape
    striate.Size([3, 8, 8])
)doc";

inline constexpr const char* kGaussianBlur =
    R"doc(Blurs with a Gaussian kernel whose sigma is drawn uniformly from ``sigma``.

Args:
    kernel_size (int or (int, int)): Odd, positive kernel size(s).
    sigma (float or (float, float)): The sigma, or its (min, max) range. Default: (0.1, 2.0).

Raises:
    ValueError: An even or non-positive kernel size, or a sigma that is not positive.

Example:
    >>> import striate.data.transforms as T
    >>> T.GaussianBlur(3)(st.rand(3, 8, 8)).shape
    striate.Size([3, 8, 8])
)doc";

inline constexpr const char* kGaussianBlurGetParams =
    R"doc(Draws the sigma of :class:`GaussianBlur`, uniform in ``[sigma_min, sigma_max]``.

Args:
    sigma_min (float): The lower bound.
    sigma_max (float): The upper bound.

Returns:
    float: The sigma.

Example:
    >>> import striate.data.transforms as T
    >>> 0.1 <= T.GaussianBlur.get_params(0.1, 2.0) <= 2.0
    True
)doc";

inline constexpr const char* kAdjustBrightness =
    R"doc(Multiplies the image by ``brightness_factor`` (clamped to the valid range).

Args:
    image (Tensor): (C, H, W) or (N, C, H, W).
    brightness_factor (float): 0 gives black, 1 the original.

Returns:
    Tensor: The adjusted image.

Example:
    >>> import striate.data.transforms as T
    >>> T.adjust_brightness(st.full((1, 1, 1), 0.25), 2.0)
    tensor([[[0.5000]]])
)doc";

inline constexpr const char* kAdjustContrast =
    R"doc(Blends the image with its mean gray level: ``factor * image + (1 - factor) * mean``.

Args:
    image (Tensor): (C, H, W) or (N, C, H, W), RGB or gray.
    contrast_factor (float): 0 gives a uniform gray, 1 the original.

Returns:
    Tensor: The adjusted image.

Example:
    >>> import striate.data.transforms as T
    >>> T.adjust_contrast(st.tensor([[[0., 1.]]]), 0.0)
    tensor([[[0.5000, 0.5000]]])
)doc";

inline constexpr const char* kAdjustSaturation =
    R"doc(Blends an RGB image with its grayscale: ``factor * image + (1 - factor) * gray``.

Args:
    image (Tensor): (3, H, W) or (N, 3, H, W).
    saturation_factor (float): 0 gives gray, 1 the original.

Returns:
    Tensor: The adjusted image.

Example:
    >>> import striate.data.transforms as T
    >>> T.adjust_saturation(st.rand(3, 4, 4), 1.0).shape
    striate.Size([3, 4, 4])
)doc";

inline constexpr const char* kAdjustHue = R"doc(Shifts an RGB image's hue by ``hue_factor`` turns (in HSV space).

Args:
    image (Tensor): (3, H, W) or (N, 3, H, W).
    hue_factor (float): In [-0.5, 0.5].

Returns:
    Tensor: The adjusted image.

Raises:
    ValueError: ``hue_factor`` is outside [-0.5, 0.5].

Example:
    >>> import striate.data.transforms as T
    >>> T.adjust_hue(st.rand(3, 4, 4), 0.1).shape
    striate.Size([3, 4, 4])
)doc";

inline constexpr const char* kGaussianNoise =
    R"doc(Adds N(0, std^2) noise to float images (an augmentation, and a check that a pipeline's randomness is seeded).

Args:
    std (float): The noise's standard deviation.

Example:
    >>> noise = st.data.GaussianNoise(0.1)
    >>> noise.std
    0.1
    >>> noise(st.zeros(1, 4, 4)).shape
    striate.Size([1, 4, 4])
)doc";

inline constexpr const char* kGaussianNoiseStd = R"doc(The noise's standard deviation.

Example:
    >>> st.data.GaussianNoise(0.5).std
    0.5
)doc";

inline constexpr const char* kExampleSeed =
    R"doc(The seed of example ``position`` in an epoch whose seed is ``epoch_seed`` (splitmix64).

The DataLoader seeds each example's augmentation with it, so an example's random transform
does not depend on the worker that loads it.

Args:
    epoch_seed (int): The epoch's seed.
    position (int): The example's position in the epoch.

Returns:
    int: A 64-bit seed.

Example:
    >>> st.data.example_seed(0, 3) == st.data.example_seed(0, 3)
    True
)doc";

inline constexpr const char* kAugmentationSeed =
    R"doc(Context manager: random transforms on this thread draw from a generator seeded with ``seed``.

Args:
    seed (int): The seed.

Raises:
    RuntimeError: The same context is entered twice.

Example:
    >>> import striate.data.transforms as T
    >>> flip = T.RandomHorizontalFlip()
    >>> x = st.arange(4.).view(1, 1, 4)
    >>> with st.data.augmentation_seed(1):
    ...     a = flip(x)
    >>> with st.data.augmentation_seed(1):
    ...     b = flip(x)
    >>> bool((a == b).all())
    True
)doc";

inline constexpr const char* kTensorDataset =
    R"doc(A dataset of tensors indexed along their first dimension: item i is ``(t[i] for t in tensors)``.

It batches in C++ with the GIL released (on worker threads when ``num_workers > 0``).

Args:
    *tensors (Tensor): Tensors with the same first dimension.
    transform (Transform, optional): A C++ transform applied to the first tensor's items.
        Default: None.

Raises:
    TypeError: An argument is not a Tensor, or ``transform`` is not a C++ Transform.
    ValueError: The first dimensions differ.

Example:
    >>> ds = st.data.TensorDataset(st.zeros(4, 2), st.arange(4))
    >>> len(ds), ds[1]
    (4, (tensor([0., 0.]), tensor(1)))
)doc";

inline constexpr const char* kTensorDatasetTensors = R"doc(The dataset's tensors, as a tuple.

Example:
    >>> st.data.TensorDataset(st.zeros(4, 2), st.arange(4)).tensors[1]
    tensor([0, 1, 2, 3])
)doc";

}  // namespace striate::python::docstrings
