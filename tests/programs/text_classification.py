"""A news-topic classifier, in the idiom of PyTorch's text-classification tutorial: a tokenizer and a
vocabulary built by hand (the tutorial's torchtext), a collate_batch that concatenates the token ids of a
batch and records their offsets, nn.EmbeddingBag with those offsets, SGD with gradient clipping,
StepLR stepped when the validation accuracy stalls, random_split, and predictions on new text. The
headlines are made from a few words per topic instead of the AG_NEWS download."""
import argparse
import random
import re
import time
from collections import Counter

import torch
from torch import nn
from torch.utils.data import DataLoader
from torch.utils.data.dataset import random_split

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

TOPICS = {
    1: "election minister parliament vote government president policy treaty senate campaign",
    2: "match goal team season coach league championship player score tournament",
    3: "market shares profit bank stocks investors economy prices trade earnings",
    4: "software computer internet chip research scientists space phone data launch",
}
COMMON = "the a of in on to new after says with for over".split()


def make_news(n, rng):
    """(label, text) pairs: six words of the label's topic mixed with common words."""
    rows = []
    for _ in range(n):
        label = rng.randint(1, 4)
        words = rng.choices(TOPICS[label].split(), k=6) + rng.choices(COMMON, k=4)
        rng.shuffle(words)
        rows.append((label, ' '.join(words).capitalize() + '.'))
    return rows


def basic_english(line):
    return re.findall(r"[a-z0-9']+|[.,!?]", line.lower())


class Vocab:
    def __init__(self, counter, specials):
        self.itos = list(specials) + [word for word, _ in counter.most_common()]
        self.stoi = {word: i for i, word in enumerate(self.itos)}
        self.default_index = 0

    def __len__(self):
        return len(self.itos)

    def __call__(self, tokens):
        return [self.stoi.get(token, self.default_index) for token in tokens]


class TextClassificationModel(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_class):
        super(TextClassificationModel, self).__init__()
        self.embedding = nn.EmbeddingBag(vocab_size, embed_dim, sparse=False)
        self.fc = nn.Linear(embed_dim, num_class)
        self.init_weights()

    def init_weights(self):
        initrange = 0.5
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.fc.weight.data.uniform_(-initrange, initrange)
        self.fc.bias.data.zero_()

    def forward(self, text, offsets):
        embedded = self.embedding(text, offsets)
        return self.fc(embedded)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--train-size', type=int, default=4000)
    parser.add_argument('--test-size', type=int, default=800)
    parser.add_argument('--epochs', type=int, default=5)
    args = parser.parse_args()
    torch.manual_seed(0)
    rng = random.Random(0)
    train_iter, test_iter = make_news(args.train_size, rng), make_news(args.test_size, rng)

    tokenizer = basic_english
    vocab = Vocab(Counter(token for _, text in train_iter for token in tokenizer(text)), specials=["<unk>"])
    print(vocab(['here', 'is', 'an', 'example']))
    text_pipeline = lambda x: vocab(tokenizer(x))  # noqa: E731
    label_pipeline = lambda x: int(x) - 1  # noqa: E731

    def collate_batch(batch):
        label_list, text_list, offsets = [], [], [0]
        for _label, _text in batch:
            label_list.append(label_pipeline(_label))
            processed_text = torch.tensor(text_pipeline(_text), dtype=torch.int64)
            text_list.append(processed_text)
            offsets.append(processed_text.size(0))
        label_list = torch.tensor(label_list, dtype=torch.int64)
        offsets = torch.tensor(offsets[:-1]).cumsum(dim=0)
        text_list = torch.cat(text_list)
        return label_list.to(device), text_list.to(device), offsets.to(device)

    num_class = len(set([label for (label, text) in train_iter]))
    vocab_size = len(vocab)
    emsize = 64
    model = TextClassificationModel(vocab_size, emsize, num_class).to(device)

    def train(dataloader, epoch):
        model.train()
        total_acc, total_count = 0, 0
        log_interval = 50
        start_time = time.time()
        for idx, (label, text, offsets) in enumerate(dataloader):
            optimizer.zero_grad()
            predicted_label = model(text, offsets)
            loss = criterion(predicted_label, label)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
            optimizer.step()
            total_acc += (predicted_label.argmax(1) == label).sum().item()
            total_count += label.size(0)
            if idx % log_interval == 0 and idx > 0:
                elapsed = time.time() - start_time
                print('| epoch {:3d} | {:5d}/{:5d} batches | accuracy {:8.3f} | {:5.0f} ms/batch'.format(
                    epoch, idx, len(dataloader), total_acc / total_count, elapsed * 1000 / log_interval))
                total_acc, total_count = 0, 0
                start_time = time.time()

    def evaluate(dataloader):
        model.eval()
        total_acc, total_count = 0, 0
        with torch.no_grad():
            for idx, (label, text, offsets) in enumerate(dataloader):
                predicted_label = model(text, offsets)
                total_acc += (predicted_label.argmax(1) == label).sum().item()
                total_count += label.size(0)
        return total_acc / total_count

    LR = 5
    BATCH_SIZE = 64
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.1)
    total_accu = None
    num_train = int(len(train_iter) * 0.95)
    split_train_, split_valid_ = random_split(train_iter, [num_train, len(train_iter) - num_train])
    train_dataloader = DataLoader(split_train_, batch_size=BATCH_SIZE, shuffle=True, collate_fn=collate_batch)
    valid_dataloader = DataLoader(split_valid_, batch_size=BATCH_SIZE, shuffle=True, collate_fn=collate_batch)
    test_dataloader = DataLoader(test_iter, batch_size=BATCH_SIZE, shuffle=True, collate_fn=collate_batch)

    for epoch in range(1, args.epochs + 1):
        epoch_start_time = time.time()
        train(train_dataloader, epoch)
        accu_val = evaluate(valid_dataloader)
        if total_accu is not None and total_accu > accu_val:
            scheduler.step()
        else:
            total_accu = accu_val
        print('-' * 59)
        print('| end of epoch {:3d} | time: {:5.2f}s | valid accuracy {:8.3f} | lr {}'.format(
            epoch, time.time() - epoch_start_time, accu_val, scheduler.get_last_lr()[0]))
        print('-' * 59)

    print('Checking the results of test dataset.')
    accu_test = evaluate(test_dataloader)
    print('test accuracy {:8.3f}'.format(accu_test))

    news_label = {1: "World", 2: "Sports", 3: "Business", 4: "Sci/Tec"}

    def predict(text, text_pipeline):
        with torch.no_grad():
            text = torch.tensor(text_pipeline(text))
            output = model(text, torch.tensor([0]))
            return output.argmax(1).item() + 1

    ex_text_str = "The team won the championship match after a late goal by their new player."
    model = model.to("cpu")
    print("This is a %s news" % news_label[predict(ex_text_str, text_pipeline)])


if __name__ == '__main__':
    main()
