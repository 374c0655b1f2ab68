"""Merge blocks whose branches cannot be merged say which branch gave which shape and suggest the
projection that fixes it, at the first forward or, with input_shape=, at construction."""

import re

import pytest

import striate as st
from striate import nn


def strided_body(in_channels=8, out_channels=16, stride=2):
    return nn.Sequential(nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1),
                         nn.BatchNorm2d(out_channels), nn.ReLU())


RESIDUAL_HINT = (r"Residual: cannot add the body's output of shape \[1, 16, 16, 16\] to the "
                 r"shortcut's output of shape \[1, 8, 32, 32\] \(the shortcut is the identity: "
                 r"the block's input\)\. Fix: give the Residual a projection shortcut, a 1x1 "
                 r"convolution with stride 2 from 8 to 16 channels: shortcut=nn\.Sequential\("
                 r"nn\.Conv2d\(8, 16, kernel_size=1, stride=2, bias=False\), "
                 r"nn\.BatchNorm2d\(16\)\)")


def test_residual_hint_at_first_forward_and_the_hint_works():
    block = nn.Residual(strided_body())
    with pytest.raises(ValueError, match=RESIDUAL_HINT):
        block(st.randn(1, 8, 32, 32))
    fixed = nn.Residual(strided_body(), shortcut=nn.Sequential(
        nn.Conv2d(8, 16, kernel_size=1, stride=2, bias=False), nn.BatchNorm2d(16)))
    assert fixed(st.randn(2, 8, 32, 32)).shape == (2, 16, 16, 16)


def test_residual_hint_at_construction_with_input_shape():
    with pytest.raises(ValueError, match=RESIDUAL_HINT + r" \(found at construction, on "
                                                        r"input_shape \[8, 32, 32\]\)"):
        nn.Residual(strided_body(), input_shape=(8, 32, 32))


def test_wrong_shortcut_and_padding_hints():
    with pytest.raises(ValueError, match=r"Fix: make the shortcut a projection, a 1x1 convolution "
                                         r"with stride 2 from 8 to 16 channels"):
        nn.Residual(strided_body(), shortcut=nn.Conv2d(8, 16, 1), input_shape=(8, 32, 32))
    unpadded = nn.Sequential(nn.Conv2d(8, 8, 3))
    with pytest.raises(ValueError, match=re.escape("Fix: the body changes (H, W) from (32, 32) to "
                                                   "(30, 30), not by a whole stride: keep "
                                                   "padding=kernel_size // 2")):
        nn.Residual(unpadded, input_shape=(8, 32, 32))


def test_valid_input_shape_builds_and_leaves_the_block_untouched():
    block = nn.Residual(strided_body(8, 8, 1), input_shape=[8, 6, 6])
    assert block.training and block.body[1].training
    assert block.body[1].running_mean.numpy().tolist() == [0.0] * 8  # ran in eval mode
    assert block.body[1].num_batches_tracked.item() == 0
    block = nn.Concat(nn.Conv2d(3, 2, 1), nn.Conv2d(3, 4, 3, padding=1), input_shape=(3, 5, 5))
    assert block(st.randn(2, 3, 5, 5)).shape == (2, 6, 5, 5)


def test_concat_hints_name_the_branch_to_stride():
    concat = nn.Concat(nn.Conv2d(4, 6, 3, padding=1), nn.Conv2d(4, 2, 3, stride=2, padding=1))
    with pytest.raises(ValueError, match=re.escape(
            "Concat: branch outputs cannot be merged: branch 0 gave shape [1, 6, 8, 8], branch 1 "
            "gave shape [1, 2, 4, 4] (sizes must agree in every dim but the merged one). Fix: "
            "branch 0 keeps 2x the resolution of branch 1: give branch 0 stride 2 (e.g. end it "
            "with nn.Conv2d(6, 6, kernel_size=1, stride=2))")):
        concat(st.randn(1, 4, 8, 8))
    with pytest.raises(ValueError, match=re.escape(
            "Fix: branch 1 keeps 4x the resolution of branch 0: give it stride 4 (e.g. end it "
            "with nn.Conv2d(3, 3, kernel_size=1, stride=4))")):
        nn.Concat(nn.Conv2d(4, 5, 1, stride=4), nn.Conv2d(4, 3, 1), input_shape=(4, 8, 8))


def test_parallel_sum_hints_the_channel_projection():
    with pytest.raises(ValueError, match=re.escape(
            "Fix: the channels differ (6 vs 4): project branch 1 with a 1x1 convolution "
            "nn.Conv2d(4, 6, kernel_size=1)")):
        nn.Parallel(nn.Conv2d(4, 6, 1), nn.Identity(), merge="sum", input_shape=(4, 3, 3))


def test_bad_input_shape():
    with pytest.raises(ValueError, match=r"Residual: expected input_shape of positive sizes "
                                         r"\(C, H, W\), got \[8, 0, 4\]"):
        nn.Residual(nn.Identity(), input_shape=(8, 0, 4))
    with pytest.raises(TypeError):
        nn.Residual(nn.Identity(), input_shape="8x4x4")
