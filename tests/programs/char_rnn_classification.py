"""Classifying names by their language with a character RNN written by hand, in the idiom of PyTorch's
"NLP from scratch: classifying names" tutorial: one-hot letters, an RNN cell of two Linear layers over
torch.cat((input, hidden), 1) with nn.LogSoftmax, NLLLoss, SGD by hand on p.data, a confusion matrix and
predictions with topk. A few names per language are written below instead of the tutorial's download."""
import argparse
import random
import string
import time
import math
import unicodedata

import torch
import torch.nn as nn

all_letters = string.ascii_letters + " .,;'"
n_letters = len(all_letters)

NAMES = {
    "English": "Smith Johnson Williams Brown Jones Miller Davis Wilson Taylor Clark Walker Wright Baker Hill",
    "French": "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel",
    "German": "Muller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter Klein Wolf",
    "Italian": "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti Costa",
    "Japanese": "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida Yamada Sasaki",
    "Polish": "Nowak Kowalski Wisniewski Wojcik Kowalczyk Kaminski Lewandowski Zielinski Szymanski Wozniak",
}


def unicodeToAscii(s):
    return ''.join(
        c for c in unicodedata.normalize('NFD', s)
        if unicodedata.category(c) != 'Mn'
        and c in all_letters
    )


category_lines = {}
all_categories = []
for category, names in NAMES.items():
    all_categories.append(category)
    category_lines[category] = [unicodeToAscii(name) for name in names.split()]
n_categories = len(all_categories)


def letterToIndex(letter):
    return all_letters.find(letter)


def letterToTensor(letter):
    tensor = torch.zeros(1, n_letters)
    tensor[0][letterToIndex(letter)] = 1
    return tensor


def lineToTensor(line):
    tensor = torch.zeros(len(line), 1, n_letters)
    for li, letter in enumerate(line):
        tensor[li][0][letterToIndex(letter)] = 1
    return tensor


class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(RNN, self).__init__()
        self.hidden_size = hidden_size
        self.i2h = nn.Linear(input_size + hidden_size, hidden_size)
        self.i2o = nn.Linear(input_size + hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, input, hidden):
        combined = torch.cat((input, hidden), 1)
        hidden = self.i2h(combined)
        output = self.i2o(combined)
        output = self.softmax(output)
        return output, hidden

    def initHidden(self):
        return torch.zeros(1, self.hidden_size)


def categoryFromOutput(output):
    top_n, top_i = output.topk(1)
    category_i = top_i[0].item()
    return all_categories[category_i], category_i


def randomChoice(l):
    return l[random.randint(0, len(l) - 1)]


def randomTrainingExample():
    category = randomChoice(all_categories)
    line = randomChoice(category_lines[category])
    category_tensor = torch.tensor([all_categories.index(category)], dtype=torch.long)
    line_tensor = lineToTensor(line)
    return category, line, category_tensor, line_tensor


criterion = nn.NLLLoss()


def train(rnn, category_tensor, line_tensor, learning_rate):
    hidden = rnn.initHidden()
    rnn.zero_grad()
    for i in range(line_tensor.size()[0]):
        output, hidden = rnn(line_tensor[i], hidden)
    loss = criterion(output, category_tensor)
    loss.backward()
    for p in rnn.parameters():
        p.data.add_(p.grad.data, alpha=-learning_rate)
    return output, loss.item()


def timeSince(since):
    now = time.time()
    s = now - since
    m = math.floor(s / 60)
    s -= m * 60
    return '%dm %ds' % (m, s)


def evaluate(rnn, line_tensor):
    hidden = rnn.initHidden()
    for i in range(line_tensor.size()[0]):
        output, hidden = rnn(line_tensor[i], hidden)
    return output


def predict(rnn, input_line, n_predictions=3):
    print('\n> %s' % input_line)
    with torch.no_grad():
        output = evaluate(rnn, lineToTensor(input_line))
        topv, topi = output.topk(n_predictions, 1, True)
        predictions = []
        for i in range(n_predictions):
            value = topv[0][i].item()
            category_index = topi[0][i].item()
            print('(%.2f) %s' % (value, all_categories[category_index]))
            predictions.append([value, all_categories[category_index]])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--n-iters', type=int, default=20000)
    parser.add_argument('--n-confusion', type=int, default=1000)
    parser.add_argument('--n-hidden', type=int, default=128)
    args = parser.parse_args()
    random.seed(0)
    torch.manual_seed(0)
    print(unicodeToAscii('Ślusàrski'))
    print(category_lines['Italian'][:5])
    print(letterToTensor('J'))
    print(lineToTensor('Jones').size())

    rnn = RNN(n_letters, args.n_hidden, n_categories)
    input = lineToTensor('Albert')
    hidden = torch.zeros(1, args.n_hidden)
    output, next_hidden = rnn(input[0], hidden)
    print(output)
    print(categoryFromOutput(output))

    learning_rate = 0.005
    print_every = max(args.n_iters // 5, 1)
    current_loss = 0
    all_losses = []
    start = time.time()
    for iter in range(1, args.n_iters + 1):
        category, line, category_tensor, line_tensor = randomTrainingExample()
        output, loss = train(rnn, category_tensor, line_tensor, learning_rate)
        current_loss += loss
        if iter % print_every == 0:
            guess, guess_i = categoryFromOutput(output)
            correct = '✓' if guess == category else '✗ (%s)' % category
            print('%d %d%% (%s) %.4f %s / %s %s' % (iter, iter / args.n_iters * 100, timeSince(start), loss, line,
                                                    guess, correct))
            all_losses.append(current_loss / print_every)
            current_loss = 0

    confusion = torch.zeros(n_categories, n_categories)
    for i in range(args.n_confusion):
        category, line, category_tensor, line_tensor = randomTrainingExample()
        output = evaluate(rnn, line_tensor)
        guess, guess_i = categoryFromOutput(output)
        category_i = all_categories.index(category)
        confusion[category_i][guess_i] += 1
    for i in range(n_categories):
        confusion[i] = confusion[i] / confusion[i].sum()
    print('confusion diagonal', [round(v, 2) for v in confusion.diag().tolist()])
    print('average losses', ['%.3f' % v for v in all_losses])
    predict(rnn, 'Dovesky')
    predict(rnn, 'Jackson')
    predict(rnn, 'Satoshi')


if __name__ == '__main__':
    main()
