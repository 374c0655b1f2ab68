"""Samplers (striate.data.*Sampler) and DataLoader(sampler=, batch_sampler=): the orders they
draw, their laws, torch's batching, the C++ and Python dataset paths with and without worker
threads, exact resume through a Trainer checkpoint, and bad arguments."""

import numpy as np
import pytest
import torch

import striate as st
from striate import data, nn, optim
from striate.data import transforms as T


def tensor_dataset(n=10):
    return data.TensorDataset(st.arange(n * 2, dtype=st.float32).reshape(n, 2), st.arange(n))


class PythonDataset(data.Dataset):
    def __init__(self, n=10):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        return np.full(2, index, np.float32), index


def labels_of(loader):
    return [batch[1].numpy().tolist() for batch in loader]


def test_sequential_sampler_gives_the_default_batches():
    for dataset in (tensor_dataset(), PythonDataset()):
        default = labels_of(data.DataLoader(dataset, batch_size=3))
        assert labels_of(data.DataLoader(dataset, batch_size=3,
                                         sampler=data.SequentialSampler(dataset))) == default
        assert default == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]


@pytest.mark.parametrize("make", [tensor_dataset, PythonDataset], ids=["cpp", "python"])
@pytest.mark.parametrize("workers", [0, 2])
def test_random_sampler_permutes_and_repeats_under_a_seed(make, workers):
    dataset = make(10)
    loader = data.DataLoader(dataset, batch_size=4, sampler=data.RandomSampler(dataset),
                             num_workers=workers, drop_last=True)
    assert len(loader) == 2
    st.manual_seed(7)
    first = labels_of(loader)
    assert [len(batch) for batch in first] == [4, 4]
    assert len(set(sum(first, []))) == 8
    st.manual_seed(7)
    assert labels_of(loader) == first
    second = labels_of(loader)
    assert second != first  # a new permutation each epoch


def test_random_sampler_replacement_and_num_samples():
    st.manual_seed(0)
    drawn = list(data.RandomSampler(range(5), replacement=True, num_samples=2000))
    assert len(drawn) == 2000 and set(drawn) == set(range(5))
    counts = np.bincount(drawn, minlength=5)
    assert np.all(np.abs(counts - 400) < 4 * np.sqrt(2000 * 0.2 * 0.8))
    # without replacement, more samples than examples: whole permutations back to back
    long = list(data.RandomSampler(range(4), num_samples=10))
    assert sorted(long[:4]) == [0, 1, 2, 3] and sorted(long[4:8]) == [0, 1, 2, 3]
    assert len(long) == 10 == len(data.RandomSampler(range(4), num_samples=10))


def test_subset_random_sampler():
    st.manual_seed(1)
    indices = [3, 9, 4, 7]
    order = list(data.SubsetRandomSampler(indices))
    assert sorted(order) == sorted(indices) and len(data.SubsetRandomSampler(indices)) == 4
    loader = data.DataLoader(tensor_dataset(), batch_size=2,
                             sampler=data.SubsetRandomSampler(indices))
    assert sorted(sum(labels_of(loader), [])) == sorted(indices)


def test_weighted_sampler_with_replacement_follows_the_weights():
    st.manual_seed(2)
    weights = np.array([1.0, 0.0, 3.0, 6.0])
    drawn = np.array(list(data.WeightedRandomSampler(weights, num_samples=20000)))
    counts = np.bincount(drawn, minlength=4)
    expected = 20000 * weights / weights.sum()
    assert counts[1] == 0
    assert np.all(np.abs(counts - expected) < 4 * np.sqrt(expected + 1))


def test_weighted_sampler_without_replacement():
    st.manual_seed(3)
    weights = st.tensor(np.array([1.0, 0.0, 2.0, 5.0, 2.0]))
    firsts = []
    for _ in range(4000):
        drawn = list(data.WeightedRandomSampler(weights, num_samples=4, replacement=False))
        assert len(set(drawn)) == 4 and 1 not in drawn
        firsts.append(drawn[0])
    # the first draw has the law weights / sum(weights)
    counts = np.bincount(firsts, minlength=5)
    expected = 4000 * np.array([1, 0, 2, 5, 2]) / 10
    assert np.all(np.abs(counts - expected) < 4 * np.sqrt(expected + 1))


@pytest.mark.parametrize("drop_last", [False, True])
def test_batch_sampler_batches_like_torch(drop_last):
    ours = list(data.BatchSampler(data.SequentialSampler(range(10)), 3, drop_last))
    theirs = list(torch.utils.data.BatchSampler(torch.utils.data.SequentialSampler(range(10)), 3,
                                                drop_last))
    assert ours == theirs
    assert len(data.BatchSampler(range(10), 3, drop_last)) == len(theirs)


@pytest.mark.parametrize("make", [tensor_dataset, PythonDataset], ids=["cpp", "python"])
@pytest.mark.parametrize("workers", [0, 3])
def test_batch_sampler_gives_batches_of_any_size(make, workers):
    class Buckets:
        def __iter__(self):
            return iter([[4, 1], [0, 2, 3, 9], [7]])

        def __len__(self):
            return 3

    loader = data.DataLoader(make(), batch_sampler=Buckets(), num_workers=workers)
    assert len(loader) == 3
    assert labels_of(loader) == [[4, 1], [0, 2, 3, 9], [7]]


def test_augmentation_is_the_same_whatever_the_workers_with_a_sampler():
    images = st.tensor(np.random.default_rng(0).integers(0, 255, (12, 1, 8, 8)).astype(np.uint8))
    dataset = data.TensorDataset(images, st.arange(12),
                                 transform=T.Compose([T.RandomCrop(6), T.RandomHorizontalFlip()]))
    batches = []
    for workers in (0, 2):
        st.manual_seed(11)
        loader = data.DataLoader(dataset, batch_size=5, num_workers=workers,
                                 sampler=data.WeightedRandomSampler(np.ones(12), 12))
        batches.append([batch[0].numpy() for batch in loader])
    for a, b in zip(*batches):
        np.testing.assert_array_equal(a, b)


def test_exact_resume_with_a_random_sampler(tmp_path):
    from striate.train import Trainer

    x = st.tensor(np.random.default_rng(0).normal(size=(64, 4)).astype(np.float32))
    y = st.tensor((np.random.default_rng(1).random(64) * 3).astype(np.int64))
    dataset = data.TensorDataset(x, y)

    def run(epochs, resume_from=None, save_to=None):
        st.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
        trainer = Trainer(model, optim.SGD(model.parameters(), lr=0.1), nn.CrossEntropyLoss(),
                          progress="none")
        loader = data.DataLoader(dataset, batch_size=16, sampler=data.RandomSampler(dataset))
        if resume_from:
            st.manual_seed(999)
            trainer.load_checkpoint(resume_from, train_loader=loader)
        trainer.fit(loader, epochs=epochs)
        if save_to:
            trainer.save_checkpoint(save_to)
        return trainer

    full = run(4)
    run(2, save_to=tmp_path / "half.pt")
    resumed = run(4, resume_from=tmp_path / "half.pt")
    assert [e["train_loss"] for e in resumed.history] == [e["train_loss"] for e in full.history]


def test_sampler_bad_arguments():
    dataset = tensor_dataset()
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        data.DataLoader(dataset, sampler=data.SequentialSampler(dataset), shuffle=True)
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
        data.DataLoader(dataset, batch_size=4, batch_sampler=[[0, 1]])
    with pytest.raises(TypeError, match="sampler should be an iterable with a length"):
        data.DataLoader(dataset, sampler=5)
    for make in (tensor_dataset, PythonDataset):
        with pytest.raises(IndexError, match="the sampler gave index 10, outside the dataset"):
            list(data.DataLoader(make(), batch_size=2, sampler=[0, 10]))
        with pytest.raises(ValueError, match="empty batch"):
            list(data.DataLoader(make(), batch_sampler=[[0], []]))
    with pytest.raises(ValueError, match="weights should be finite, >= 0"):
        data.WeightedRandomSampler([1.0, -1.0], 2)
    with pytest.raises(ValueError, match="non-empty 1-D"):
        data.WeightedRandomSampler([[1.0]], 2)
    with pytest.raises(ValueError, match="cannot draw 3 samples without replacement from 2"):
        data.WeightedRandomSampler([1.0, 0.0, 2.0], 3, replacement=False)
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        data.RandomSampler(dataset, num_samples=0)
    with pytest.raises(ValueError, match="BatchSampler: batch_size should be a positive integer"):
        data.BatchSampler(range(3), 0, False)
    with pytest.raises(TypeError, match="drop_last should be a bool"):
        data.BatchSampler(range(3), 2, "yes")
