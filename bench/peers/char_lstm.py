"""The char LSTM language model of the models and generate benches (PyTorch peer of our LSTM LM):
embedding 128, 2 x 256 nn.LSTM, a linear decoder, cross-entropy over every position.

Import it after the thread variables are set (it imports torch).
"""
from torch import nn
import torch.nn.functional as F


class CharLSTM(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.vocab = vocab
        self.embedding = nn.Embedding(vocab, 128)
        self.rnn = nn.LSTM(128, 256, num_layers=2, batch_first=True)
        self.decoder = nn.Linear(256, vocab)

    def forward(self, x, y):
        h, _ = self.rnn(self.embedding(x))
        return F.cross_entropy(self.decoder(h).view(-1, self.vocab), y.reshape(-1))
